using System.Runtime.Versioning;
using Bacalhau.Orchestrator.Auth;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bacalhau.Orchestrator.Tests.Auth;

[SupportedOSPlatform("linux")]
public sealed class AdminApiKeyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bacalhau-admin-key-").FullName;

    [Fact]
    public void The_first_start_generates_a_key_only_its_owner_reads_and_later_starts_keep_it()
    {
        var key = AdminApiKey.LoadOrCreate(_dir, NullLogger.Instance);
        var path = Path.Combine(_dir, AdminApiKey.FileName);

        Assert.True(key.Length >= 40, key);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(key, AdminApiKey.LoadOrCreate(_dir, NullLogger.Instance));
        Assert.Equal([AdminApiKey.FileName], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_file_without_a_key_stops_the_start_naming_the_file()
    {
        File.WriteAllText(Path.Combine(_dir, AdminApiKey.FileName), "\n");
        var error = Assert.Throws<InvalidOperationException>(() => AdminApiKey.LoadOrCreate(_dir, NullLogger.Instance));
        Assert.Contains(Path.Combine(_dir, AdminApiKey.FileName), error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

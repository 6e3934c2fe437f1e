using Bacalhau.Identity.Nodes;

namespace Bacalhau.Identity.Tests.Nodes;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataDirectoryTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private readonly string _root = Directory.CreateTempSubdirectory("bacalhau-datadir-").FullName;

    [Fact]
    public void A_node_state_directory_is_created_for_its_owner_only()
    {
        var path = Path.Combine(_root, "orchestrator");

        DataDirectory.CreateOwnerOnly(path);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
    }

    [Fact]
    public void An_existing_state_directory_readable_by_others_is_closed_to_them_and_keeps_its_files()
    {
        var path = Path.Combine(_root, "compute");
        Directory.CreateDirectory(path, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.WriteAllText(Path.Combine(path, "state.db"), "kept");

        DataDirectory.CreateOwnerOnly(path);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
        Assert.Equal("kept", File.ReadAllText(Path.Combine(path, "state.db")));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

using Bacalhau.Identity.Nodes;

namespace Bacalhau.Identity.Tests.Nodes;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AtomicFileTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _directory = Directory.CreateTempSubdirectory("bacalhau-atomic-file-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_secret_is_owner_only_and_no_temporary_file_is_left_beside_it()
    {
        var path = Path.Combine(_directory, "sub", "secret");

        Assert.True(AtomicFile.Write(path, "s3cret", overwrite: true, ownerOnly: true));

        Assert.Equal("s3cret", File.ReadAllText(path));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
        Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void Without_overwrite_the_file_already_there_wins()
    {
        var path = Path.Combine(_directory, "key");
        AtomicFile.Write(path, "first", overwrite: false, ownerOnly: true);

        Assert.False(AtomicFile.Write(path, "second", overwrite: false, ownerOnly: true));
        Assert.Equal("first", AtomicFile.ReadOrCreate(path, () => "third", ownerOnly: true));
        Assert.Equal([path], Directory.GetFiles(_directory));
    }

    [Fact]
    public void With_overwrite_the_new_text_replaces_the_old_whole()
    {
        var path = Path.Combine(_directory, "config.yaml");
        AtomicFile.Write(path, new string('x', 10_000), overwrite: true, ownerOnly: true);

        AtomicFile.Write(path, "short", overwrite: true, ownerOnly: true);

        Assert.Equal("short", File.ReadAllText(path));
    }
}

using System.Formats.Tar;
using System.IO.Compression;
using Bacalhau.Compute.Executors;
using Bacalhau.Compute.Publishers.Local;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Compute.Tests.Publishers.Local;

/// <summary>Unpacking a result archive for an <c>ipfs</c> input: the publisher's layout back, and nothing outside the directory.</summary>
public sealed class ResultArchiveTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bacalhau-archive-").FullName;

    private string Target => Path.Combine(_root, "inputs", "0", "inputs");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task What_the_publisher_packed_unpacks_to_the_same_files()
    {
        var results = Directory.CreateDirectory(Path.Combine(_root, "outputs")).FullName;
        Directory.CreateDirectory(Path.Combine(results, "sub"));
        await File.WriteAllTextAsync(Path.Combine(results, "a.txt"), "15\n");
        await File.WriteAllTextAsync(Path.Combine(results, "sub", "b.txt"), "b");
        using var archive = new MemoryStream();
        await ResultArchive.WriteAsync(archive, [new ResultDirectory("out", "/out", results)], new RunCommandResult { Stdout = "hello\n", ExitCode = 0 }, CancellationToken.None);
        archive.Position = 0;

        await ResultArchive.ExtractAsync(archive, Target, 1 << 20, CancellationToken.None);

        Assert.Equal("15\n", await File.ReadAllTextAsync(Path.Combine(Target, "out", "a.txt")));
        Assert.Equal("b", await File.ReadAllTextAsync(Path.Combine(Target, "out", "sub", "b.txt")));
        Assert.Equal("hello\n", await File.ReadAllTextAsync(Path.Combine(Target, "stdout")));
        Assert.Equal("", await File.ReadAllTextAsync(Path.Combine(Target, "stderr")));
        Assert.Equal("0", await File.ReadAllTextAsync(Path.Combine(Target, "exitCode")));
    }

    [Theory]
    [InlineData("../escaped")]
    [InlineData("/escaped")]
    [InlineData("out/../../escaped")]
    [InlineData("./escaped")]
    [InlineData("out//escaped")]
    public async Task An_entry_named_to_leave_the_directory_is_refused(string name)
    {
        using var archive = Archive(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream("x"u8.ToArray()) });

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ResultArchive.ExtractAsync(archive, Target, 1 << 20, CancellationToken.None));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root, "inputs", "0", "escaped")));
        Assert.False(File.Exists(Path.Combine(_root, "escaped")));
        Assert.False(File.Exists("/escaped"));
    }

    [Theory]
    [InlineData(TarEntryType.SymbolicLink)]
    [InlineData(TarEntryType.HardLink)]
    public async Task A_link_is_refused_rather_than_made(TarEntryType type)
    {
        using var archive = Archive(
            new PaxTarEntry(type, "out/secret") { LinkName = "/etc/hostname" },
            new PaxTarEntry(TarEntryType.RegularFile, "out/secret/x") { DataStream = new MemoryStream("x"u8.ToArray()) });

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ResultArchive.ExtractAsync(archive, Target, 1 << 20, CancellationToken.None));

        Assert.Contains("out/secret", error.Message, StringComparison.Ordinal);
        Assert.False(Path.Exists(Path.Combine(Target, "out", "secret")));
    }

    [Fact]
    public async Task Files_together_larger_than_the_bound_are_refused()
    {
        using var archive = Archive(
            new PaxTarEntry(TarEntryType.RegularFile, "a") { DataStream = new MemoryStream(new byte[600]) },
            new PaxTarEntry(TarEntryType.RegularFile, "b") { DataStream = new MemoryStream(new byte[600]) });

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ResultArchive.ExtractAsync(archive, Target, 1000, CancellationToken.None));

        Assert.Contains("more than 1000 bytes", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Target, "b")));
    }

    [Fact]
    public async Task Bytes_that_are_not_a_gzipped_tar_are_refused()
    {
        using var archive = new MemoryStream("just text, not an archive"u8.ToArray());

        await Assert.ThrowsAsync<InvalidDataException>(() => ResultArchive.ExtractAsync(archive, Target, 1 << 20, CancellationToken.None));
    }

    private static MemoryStream Archive(params TarEntry[] entries)
    {
        var archive = new MemoryStream();
        using (var gzip = new GZipStream(archive, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                tar.WriteEntry(entry);
            }
        }

        archive.Position = 0;
        return archive;
    }
}

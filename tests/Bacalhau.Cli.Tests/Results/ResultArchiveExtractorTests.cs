using System.Formats.Tar;
using System.IO.Compression;
using Bacalhau.Cli.Results;

namespace Bacalhau.Cli.Tests.Results;

/// <summary>Archives as a hostile node could send them: nothing may land outside the target, and size is bounded.</summary>
public sealed class ResultArchiveExtractorTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bacalhau-extract-").FullName;

    private string Target => Path.Combine(_root, "result");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_result_unpacks_byte_for_byte_with_its_directories_and_links_down()
    {
        byte[] binary = [0, 1, 2, 0xfe, 0xff];
        var archive = Archive(
            DirectoryEntry("out"),
            FileEntry("out/data.bin", binary),
            DirectoryEntry("out/sub"),
            FileEntry("./out/sub/b.txt", "b"u8.ToArray()),
            LinkEntry("out/latest", "sub/b.txt"),
            FileEntry("stdout", "hello\n"u8.ToArray()),
            FileEntry("exitCode", "0"u8.ToArray()));

        await ExtractAsync(archive);

        Assert.Equal(binary, await File.ReadAllBytesAsync(Path.Combine(Target, "out", "data.bin")));
        Assert.Equal("b", await File.ReadAllTextAsync(Path.Combine(Target, "out", "sub", "b.txt")));
        Assert.Equal("sub/b.txt", new FileInfo(Path.Combine(Target, "out", "latest")).LinkTarget);
        Assert.Equal("hello\n", await File.ReadAllTextAsync(Path.Combine(Target, "stdout")));
    }

    [Theory]
    [InlineData("../escaped", "climbs out with '..'")]
    [InlineData("out/../../escaped", "climbs out with '..'")]
    [InlineData("/tmp/escaped", "an absolute path")]
    [InlineData("out\\..\\escaped", "not a plain relative path")]
    public async Task A_name_that_leads_out_is_refused(string name, string why)
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ExtractAsync(Archive(FileEntry(name, "x"u8.ToArray()))));

        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.False(Path.Exists(Path.Combine(_root, "escaped")));
        Assert.Single(Directory.EnumerateFileSystemEntries(_root));
    }

    [Theory]
    [InlineData("/etc")]
    [InlineData("..")]
    [InlineData("sub/../..")]
    [InlineData("../result/x")]
    public async Task A_link_that_could_lead_out_is_refused(string linkTarget)
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ExtractAsync(Archive(DirectoryEntry("sub"), LinkEntry("link", linkTarget))));

        Assert.Contains("only links down are kept", error.Message, StringComparison.Ordinal);
        Assert.False(Path.Exists(Path.Combine(Target, "link")));
    }

    [Fact]
    public async Task Nothing_is_written_through_a_link_even_one_that_points_down()
    {
        // The link itself is allowed; a later entry under its name would write wherever it points.
        var archive = Archive(DirectoryEntry("inside"), LinkEntry("door", "inside"), FileEntry("door/file", "x"u8.ToArray()));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ExtractAsync(archive));

        Assert.Contains("goes through a link", error.Message, StringComparison.Ordinal);
        Assert.False(Path.Exists(Path.Combine(Target, "inside", "file")));
    }

    [Fact]
    public async Task A_file_over_a_link_is_refused()
    {
        var archive = Archive(FileEntry("real", "r"u8.ToArray()), LinkEntry("alias", "real"), FileEntry("alias", "overwritten"u8.ToArray()));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ExtractAsync(archive));

        Assert.Contains("goes through a link", error.Message, StringComparison.Ordinal);
        Assert.Equal("r", await File.ReadAllTextAsync(Path.Combine(Target, "real")));
    }

    [Fact]
    public async Task Hard_links_and_devices_are_refused()
    {
        var hardLink = await Assert.ThrowsAsync<InvalidDataException>(() => ExtractAsync(Archive(
            FileEntry("a", "a"u8.ToArray()),
            new PaxTarEntry(TarEntryType.HardLink, "b") { LinkName = "a" })));
        Assert.Contains("HardLink", hardLink.Message, StringComparison.Ordinal);

        DeleteTarget();
        var fifo = await Assert.ThrowsAsync<InvalidDataException>(() => ExtractAsync(Archive(new PaxTarEntry(TarEntryType.Fifo, "pipe"))));
        Assert.Contains("Fifo", fifo.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entries_and_bytes_are_bounded()
    {
        var many = Archive([.. Enumerable.Range(0, 11).Select(i => FileEntry($"f{i}", [1]))]);
        var tooMany = await Assert.ThrowsAsync<InvalidDataException>(() => ExtractAsync(many, new ExtractLimits(10, 1024)));
        Assert.Contains("more than 10 entries", tooMany.Message, StringComparison.Ordinal);

        DeleteTarget();
        var big = Archive(FileEntry("a", new byte[600]), FileEntry("b", new byte[600]));
        var tooBig = await Assert.ThrowsAsync<InvalidDataException>(() => ExtractAsync(big, new ExtractLimits(10, 1024)));
        Assert.Contains("more than 1024 bytes", tooBig.Message, StringComparison.Ordinal);
        Assert.False(Path.Exists(Path.Combine(Target, "b")));
    }

    private async Task ExtractAsync(byte[] archive, ExtractLimits? limits = null)
    {
        using var stream = new MemoryStream(archive);
        await ResultArchiveExtractor.ExtractAsync(stream, Target, limits ?? ExtractLimits.Default, CancellationToken.None);
    }

    private void DeleteTarget() => Directory.Delete(Target, recursive: true);

    private static PaxTarEntry DirectoryEntry(string name) => new PaxTarEntry(TarEntryType.Directory, name);

    private static PaxTarEntry FileEntry(string name, byte[] content) => new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) };

    private static PaxTarEntry LinkEntry(string name, string target) => new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target };

    private static byte[] Archive(params TarEntry[] entries)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                tar.WriteEntry(entry);
            }
        }

        return buffer.ToArray();
    }
}

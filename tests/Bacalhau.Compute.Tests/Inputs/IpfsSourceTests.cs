using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Bacalhau.Compute.Inputs;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Identity.Content;
using Bacalhau.Messaging.Content;
using Bacalhau.Messaging.Tests;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace Bacalhau.Compute.Tests.Inputs;

/// <summary>The <c>ipfs</c> source against the content store on a real nats-server with JetStream.</summary>
public sealed class IpfsSourceTests : IAsyncLifetime, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bacalhau-ipfs-input-").FullName;
    private NatsServerProcess _server = null!;
    private NatsConnection _connection = null!;
    private ContentStore _store = null!;

    private string StagingPath => Path.Combine(_root, "inputs", "0", "inputs");

    public async Task InitializeAsync()
    {
        _server = await NatsServerProcess.StartAsync(jetStream: true);
        _connection = _server.Connect();
        _store = new ContentStore(_connection);
        Directory.CreateDirectory(Path.GetDirectoryName(StagingPath)!);
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    public void Dispose() => _store?.Dispose();

    [Fact]
    public async Task A_result_archive_is_unpacked_at_the_staging_path()
    {
        var cid = await PutAsync(Archive(("stdout", "from the first job\n"), ("out/data.csv", "a,b\n")));

        var staged = await Source().StageAsync(Input(cid.ToString()), StagingPath, CancellationToken.None);

        Assert.Equal(StagingPath, staged);
        Assert.Equal("from the first job\n", await File.ReadAllTextAsync(Path.Combine(staged, "stdout")));
        Assert.Equal("a,b\n", await File.ReadAllTextAsync(Path.Combine(staged, "out", "data.csv")));
        Assert.Equal(["inputs"], Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(StagingPath)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Bytes_put_under_a_CID_they_do_not_hash_to_are_never_used()
    {
        var claimed = Cid.ForRaw(Archive(("stdout", "the real result\n")));
        var objects = await _store.OpenAsync(CancellationToken.None);
        await objects.PutAsync(claimed.ToString(), Archive(("stdout", "a forged result\n")));

        var error = await Assert.ThrowsAsync<InputException>(() => Source().StageAsync(Input(claimed.ToString()), StagingPath, CancellationToken.None));

        Assert.Contains($"other bytes under {claimed}", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(StagingPath, "stdout")));
    }

    [Fact]
    public async Task Content_over_the_size_bound_is_refused_naming_the_setting()
    {
        var cid = await PutAsync(Archive(("stdout", new string('x', 10_000))));

        var error = await Assert.ThrowsAsync<InputException>(() => Source(maxSize: 100).StageAsync(Input(cid.ToString()), StagingPath, CancellationToken.None));

        Assert.Contains("InputSources.MaxIpfsSize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Content_that_is_not_a_result_archive_is_refused()
    {
        var cid = await PutAsync("plain bytes"u8.ToArray());

        var error = await Assert.ThrowsAsync<InputException>(() => Source().StageAsync(Input(cid.ToString()), StagingPath, CancellationToken.None));

        Assert.Contains("not a result archive", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Qm-not-a-cid")]
    public async Task A_params_CID_that_is_not_one_is_refused(string cid)
    {
        var error = await Assert.ThrowsAsync<InputException>(() => Source().StageAsync(Input(cid), StagingPath, CancellationToken.None));

        Assert.Contains("Params.CID", error.Message, StringComparison.Ordinal);
    }

    private IpfsSource Source(long maxSize = 1 << 20) =>
        new IpfsSource(_store, Options.Create(new InputSourcesOptions { MaxIpfsSize = maxSize, ReadTimeout = TimeSpan.FromMinutes(1) }));

    private async Task<Cid> PutAsync(byte[] content)
    {
        var cid = Cid.ForRaw(content);
        await _store.PutAsync(cid, new MemoryStream(content), CancellationToken.None);
        return cid;
    }

    private static InputSource Input(string cid) => new()
    {
        Source = new SpecConfig { Type = SourceTypes.Ipfs, Params = { ["CID"] = JsonSerializer.SerializeToElement(cid) } },
        Target = "/inputs",
    };

    private static byte[] Archive(params (string Name, string Text)[] files)
    {
        using var archive = new MemoryStream();
        using (var gzip = new GZipStream(archive, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, text) in files)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)) });
            }
        }

        return archive.ToArray();
    }
}

using System.Formats.Tar;
using System.IO.Compression;
using Bacalhau.Compute.Executors;
using Bacalhau.Compute.Nodes;
using Bacalhau.Compute.Publishers.Local;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Identity;

namespace Bacalhau.Compute.Tests.Publishers.Local;

public sealed class LocalResultStoreTests : IDisposable
{
    private static readonly RunCommandResult Result = new() { Stdout = "out\n", Stderr = "err\n", ExitCode = 3 };
    private readonly string _dataDir = Directory.CreateTempSubdirectory("bacalhau-results-").FullName;
    private readonly LocalResultStore _store;

    private readonly NodeKey _key;

    public LocalResultStoreTests()
    {
        _key = NodeKey.LoadOrCreate(_dataDir, NodeKey.DefaultPort);
        _store = new LocalResultStore(new ComputeIdentity("n-1", _dataDir, new Dictionary<string, string>(), null, _key));
    }

    public void Dispose()
    {
        _key.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task An_archive_holds_each_result_path_under_its_name_and_the_output_and_exit_code()
    {
        var request = Requests.For(new JobTask(), results: [ResultDirectory("out", ("a.txt", "15\n"), ("sub/b.txt", "b"))]);

        var name = (await _store.SaveAsync(request, Result, CancellationToken.None)).Name;

        Assert.Matches("^[0-9a-f]{64}\\.tar\\.gz$", name);
        var entries = await ReadAsync(_store.Find(name)!);
        Assert.Equal("15\n", entries["out/a.txt"]);
        Assert.Equal("b", entries["out/sub/b.txt"]);
        Assert.Equal("out\n", entries["stdout"]);
        Assert.Equal("err\n", entries["stderr"]);
        Assert.Equal("3", entries["exitCode"]);
        Assert.Equal(TarEntryType.Directory, (await TypesAsync(_store.Find(name)!))["out/sub"]);
    }

    [Fact]
    public async Task A_symbolic_link_the_task_made_is_archived_as_a_link_not_followed()
    {
        var results = ResultDirectory("out");
        File.CreateSymbolicLink(Path.Combine(results.HostPath, "secret"), "/etc/hostname");

        var name = (await _store.SaveAsync(Requests.For(new JobTask(), results: [results]), Result, CancellationToken.None)).Name;

        Assert.Equal(TarEntryType.SymbolicLink, (await TypesAsync(_store.Find(name)!))["out/secret"]);
    }

    [Theory]
    [InlineData("../state.db")]
    [InlineData("0123.tar.gz")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789.tar.gz")]
    [InlineData("abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789.tar.gz")]
    public void Only_names_of_archives_in_the_store_are_found(string name) => Assert.Null(_store.Find(name));

    [Fact]
    public void A_link_planted_under_an_archive_name_leads_nowhere()
    {
        var name = new string('a', 64) + ".tar.gz";
        Directory.CreateDirectory(_store.Directory);
        File.CreateSymbolicLink(Path.Combine(_store.Directory, name), Path.Combine(_dataDir, "state.db"));
        File.WriteAllText(Path.Combine(_dataDir, "state.db"), "not for download");

        Assert.Null(_store.Find(name));
    }

    private ResultDirectory ResultDirectory(string name, params (string Path, string Text)[] files)
    {
        var hostPath = Directory.CreateDirectory(Path.Combine(_dataDir, "executions", "e-1", "outputs", name)).FullName;
        foreach (var (path, text) in files)
        {
            var file = Path.Combine(hostPath, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, text);
        }

        return new ResultDirectory(name, "/" + name, hostPath);
    }

    private static async Task<Dictionary<string, string>> ReadAsync(string archive)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var entry in EntriesAsync(archive))
        {
            if (entry.Type == TarEntryType.RegularFile)
            {
                files[entry.Name] = entry.Text;
            }
        }

        return files;
    }

    private static async Task<Dictionary<string, TarEntryType>> TypesAsync(string archive)
    {
        var types = new Dictionary<string, TarEntryType>(StringComparer.Ordinal);
        await foreach (var entry in EntriesAsync(archive))
        {
            types[entry.Name] = entry.Type;
        }

        return types;
    }

    private static async IAsyncEnumerable<(string Name, TarEntryType Type, string Text)> EntriesAsync(string archive)
    {
        await using var file = File.OpenRead(archive);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            using var reader = new StreamReader(entry.DataStream ?? Stream.Null);
            yield return (entry.Name, entry.EntryType, await reader.ReadToEndAsync());
        }
    }
}

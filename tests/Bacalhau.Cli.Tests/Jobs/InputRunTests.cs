using System.Text.Json;
using Bacalhau.Cli.Tests.Infrastructure;
using Bacalhau.Compute.Tests.Executors.Wasm;

namespace Bacalhau.Cli.Tests.Jobs;

/// <summary>
/// <c>-i/--input</c> of <c>wasm run</c> against a real orchestrator and a compute node that enrolled for its own,
/// least-privileged NATS credentials: the job reads what each form of input mounted.
/// </summary>
public sealed class InputRunTests
{
    /// <summary>One orchestrator and one enrolled compute node; a failed execution fails its job at once.</summary>
    private sealed class Cluster : IAsyncDisposable
    {
        private readonly LocalCluster _cluster = new();

        public string DataDir { get; private set; } = "";

        /// <summary>The directory the compute node allows <c>file://</c> inputs from.</summary>
        public string Allowed { get; private set; } = "";

        public string[] Api { get; private set; } = [];

        public string NewDataDir() => _cluster.NewDataDir();

        public static async Task<Cluster> StartAsync()
        {
            var cluster = new Cluster();
            try
            {
                await cluster.StartNodesAsync();
                return cluster;
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }
        }

        public ValueTask DisposeAsync() => _cluster.DisposeAsync();

        private async Task StartNodesAsync()
        {
            var (dataDir, apiPort, natsPort) = await _cluster.StartOrchestratorAsync("--Orchestrator.Scheduler.MaxRetries=0");
            DataDir = dataDir;
            Api = ["--api-port", $"{apiPort}"];
            Allowed = _cluster.NewDataDir();
            var token = (await CliProcess.RunAsync(dataDir, "config", "get", "Orchestrator.Auth.Token")).Stdout.Trim();
            var compute = _cluster.Serve(_cluster.NewDataDir(), "--compute", $"--Compute.Orchestrators={token}@127.0.0.1:{natsPort}",
                "--api-port", $"{LocalCluster.FreePort()}", "--host", "127.0.0.1", $"--Compute.AllowListedLocalPaths={Allowed}");
            await LocalCluster.WaitForConnectedComputeNodesAsync(dataDir, apiPort, 1, compute);
        }

        public string Module(string wat)
        {
            var path = Path.Combine(DataDir, $"m-{Guid.NewGuid():N}.wasm");
            File.WriteAllBytes(path, Wat.ToWasm(wat));
            return path;
        }

        public Task<CliResult> RunAsync(params string[] args) => CliProcess.RunAsync(DataDir, [.. args, .. Api]);

        public async Task<JsonElement> DescribeAsync(string jobId)
        {
            var describe = await RunAsync("job", "describe", jobId, "--output", "json");
            Assert.True(describe.ExitCode == 0, describe.ToString());
            using var document = JsonDocument.Parse(describe.Stdout);
            return document.RootElement.Clone();
        }
    }

    [Fact]
    public async Task A_data_url_input_is_a_file_at_its_target()
    {
        await using var cluster = await Cluster.StartAsync();
        var run = await cluster.RunAsync("wasm", "run", cluster.Module(Cat("hello.txt")), "-i", "src=\"data:text/plain,hello from a data URL\",dst=/inputs/hello.txt");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("hello from a data URL", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_input_mounts_an_allow_listed_directory()
    {
        await using var cluster = await Cluster.StartAsync();
        var directory = Directory.CreateDirectory(Path.Combine(cluster.Allowed, "data")).FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "note.txt"), "read from the node's disk");

        var run = await cluster.RunAsync("wasm", "run", cluster.Module(Cat("note.txt")), "-i", $"file://{directory}:/data");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("read from the node's disk", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_input_outside_the_allow_list_fails_the_job_saying_so()
    {
        await using var cluster = await Cluster.StartAsync();
        var outside = cluster.NewDataDir();

        var run = await cluster.RunAsync("wasm", "run", cluster.Module(Cat("note.txt")), "-i", $"file://{outside}:/data");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("Compute.AllowListedLocalPaths", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_published_result_of_one_job_is_the_input_of_the_next_by_its_CID()
    {
        await using var cluster = await Cluster.StartAsync();
        var first = await cluster.RunAsync("wasm", "run", cluster.Module(WatModules.Hello), "-p", "ipfs");
        Assert.True(first.ExitCode == 0, first.ToString());
        var cid = PublishedCid(await cluster.DescribeAsync(JobId(first)));

        var second = await cluster.RunAsync("wasm", "run", cluster.Module(Cat("stdout")), "-i", $"ipfs://{cid}");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("hello from wat", second.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_CID_the_content_store_does_not_hold_fails_the_job_naming_it()
    {
        await using var cluster = await Cluster.StartAsync();
        var missing = Identity.Content.Cid.ForRaw("never published"u8).ToString();

        var run = await cluster.RunAsync("wasm", "run", cluster.Module(Cat("stdout")), "-i", $"ipfs://{missing}");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains($"InputSources[1]: ipfs: no content with CID {missing}", run.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// Prints the file <paramref name="name"/> of whichever preopened directory holds it (the module's own sits in
    /// another): tries each from fd 3, then copies the file to stdout. Exits 44 when none holds it.
    /// </summary>
    private static string Cat(string name) => $$"""
        (module
          (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
          (memory (export "memory") 1)
          (data (i32.const 64) "{{name}}")
          (func (export "_start")
            (local $dir i32)
            (local $fd i32)
            (local.set $dir (i32.const 3))
            (block $found
              (loop $next
                (br_if $found (i32.eqz (call $path_open (local.get $dir) (i32.const 1) (i32.const 64) (i32.const {{name.Length}})
                  (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 32))))
                (local.set $dir (i32.add (local.get $dir) (i32.const 1)))
                (br_if $next (i32.lt_u (local.get $dir) (i32.const 16)))
                (call $proc_exit (i32.const 44))))
            (local.set $fd (i32.load (i32.const 32)))
            (block $eof
              (loop $copy
                (i32.store (i32.const 0) (i32.const 1024))
                (i32.store (i32.const 4) (i32.const 4096))
                (if (call $fd_read (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 36)) (then (call $proc_exit (i32.const 45))))
                (br_if $eof (i32.eqz (i32.load (i32.const 36))))
                (i32.store (i32.const 4) (i32.load (i32.const 36)))
                (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 40)))
                (br $copy)))))
        """;

    private static string JobId(CliResult run) => run.Stdout.Split("Job ID: ")[1].Split('\n')[0].Trim();

    private static string PublishedCid(JsonElement job)
    {
        var execution = job.GetProperty("Executions").GetProperty("Items").EnumerateArray()
            .Single(e => e.GetProperty("ComputeState").GetProperty("StateType").GetString() == "Completed");
        var published = execution.GetProperty("PublishedResult");
        Assert.Equal("ipfs", published.GetProperty("Type").GetString());
        return published.GetProperty("Params").GetProperty("CID").GetString()!;
    }
}

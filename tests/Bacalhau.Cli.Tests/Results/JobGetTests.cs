using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Bacalhau.Cli.Tests.Infrastructure;
using Bacalhau.Compute.Tests.Executors.Wasm;

namespace Bacalhau.Cli.Tests.Results;

/// <summary>
/// Results downloaded by the CLI from a real hybrid node (`bacalhau serve --orchestrator --compute`) running a real
/// WebAssembly job, compared with what the execution wrote.
/// </summary>
public sealed class JobGetTests
{
    /// <summary>
    /// Writes to stdout and stderr and a binary file into its result directory (the preopen after the module's own
    /// directory), then exits with 3.
    /// </summary>
    private const string Module = """
        (module
          (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
          (memory (export "memory") 1)
          (data (i32.const 100) "hello from stdout\n")
          (data (i32.const 200) "warning on stderr\n")
          (data (i32.const 300) "data.bin")
          (data (i32.const 400) "\00\01\02\fe\ff binary\n")
          (func $write (param $fd i32) (param $at i32) (param $length i32)
            (i32.store (i32.const 0) (local.get $at))
            (i32.store (i32.const 4) (local.get $length))
            (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))
          (func (export "_start")
            (call $write (i32.const 1) (i32.const 100) (i32.const 18))
            (call $write (i32.const 2) (i32.const 200) (i32.const 18))
            ;; create data.bin (oflags: creat) for writing (rights: fd_write) in the result directory
            (if (call $path_open (i32.const 4) (i32.const 0) (i32.const 300) (i32.const 8) (i32.const 1) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 16))
              (then (call $proc_exit (i32.const 99))))
            (call $write (i32.load (i32.const 16)) (i32.const 400) (i32.const 13))
            (call $proc_exit (i32.const 3))))
        """;

    private static readonly byte[] DataBin = [0, 1, 2, 0xfe, 0xff, .. " binary\n"u8];

    [Fact]
    public async Task Job_get_brings_back_what_a_local_result_holds_byte_for_byte_through_the_authenticated_api()
    {
        await using var cluster = new LocalCluster();
        // Anonymous calls refused even from this host: the CLI must send its credentials to the result's URL.
        var (dataDir, api) = await StartHybridAsync(cluster, "--API.Auth.AllowAnonymousLoopback=false");
        var jobId = await RunWasmAsync(dataDir, api, "--publisher", "local");

        using var http = new HttpClient();
        var anonymous = await http.GetAsync(new Uri($"http://127.0.0.1:{api[1]}/api/v1/orchestrator/jobs/{jobId}/results"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var results = await CliProcess.RunAsync(dataDir, ["job", "executions", jobId, "--output", "json", .. api]);
        Assert.True(results.ExitCode == 0, results.ToString());
        using var executions = JsonDocument.Parse(results.Stdout);
        var execution = Assert.Single(executions.RootElement.EnumerateArray().ToList());
        var executionId = execution.GetProperty("ID").GetString()!;
        var nodeUrl = execution.GetProperty("PublishedResult").GetProperty("Params").GetProperty("URL").GetString()!;

        var output = Path.Combine(dataDir, "merged");
        Directory.CreateDirectory(output);
        var get = await CliProcess.RunAsync(dataDir, ["job", "get", jobId, "--output-dir", output, .. api]);

        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Contains($"Results for job '{jobId}' have been written to...\n{output}\n", get.Stdout, StringComparison.Ordinal);
        Assert.Equal("hello from stdout\n", await File.ReadAllTextAsync(Path.Combine(output, "stdout")));
        Assert.Equal("warning on stderr\n", await File.ReadAllTextAsync(Path.Combine(output, "stderr")));
        Assert.Equal("3", await File.ReadAllTextAsync(Path.Combine(output, "exitCode")));
        Assert.Equal(DataBin, await File.ReadAllBytesAsync(Path.Combine(output, "outputs", "data.bin")));
        Assert.Equal(["exitCode", "outputs", "stderr", "stdout"], Directory.EnumerateFileSystemEntries(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // --raw keeps the archive as fetched, under the name Bacalhau gives a urlDownload: the URL flattened. Its bytes
        // are those the node published, whose name is their SHA-256.
        var raw = Path.Combine(dataDir, "raw-results");
        Directory.CreateDirectory(raw);
        var getRaw = await CliProcess.RunAsync(dataDir, ["job", "get", jobId, "--raw", "--output-dir", raw, .. api]);

        Assert.True(getRaw.ExitCode == 0, getRaw.ToString());
        var archive = Assert.Single(Directory.GetFileSystemEntries(Path.Combine(raw, "raw")));
        Assert.Equal($"127.0.0.1_{api[1]}_api_v1_orchestrator_jobs_{jobId}_results_{executionId}.tar.gz", Path.GetFileName(archive));
        Assert.Equal(nodeUrl[(nodeUrl.LastIndexOf('/') + 1)..], Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(archive))) + ".tar.gz");
        Assert.Equal(["raw"], Directory.EnumerateFileSystemEntries(raw).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Wasm_run_with_download_waits_then_brings_back_an_ipfs_result_into_the_job_folder()
    {
        await using var cluster = new LocalCluster();
        var (dataDir, api) = await StartHybridAsync(cluster);
        var output = Path.Combine(dataDir, "downloaded");
        Directory.CreateDirectory(output);

        var jobId = await RunWasmAsync(dataDir, api, "--publisher", "ipfs", "--download", "--output-dir", output);

        Assert.Equal("hello from stdout\n", await File.ReadAllTextAsync(Path.Combine(output, "stdout")));
        Assert.Equal("warning on stderr\n", await File.ReadAllTextAsync(Path.Combine(output, "stderr")));
        Assert.Equal("3", await File.ReadAllTextAsync(Path.Combine(output, "exitCode")));
        Assert.Equal(DataBin, await File.ReadAllBytesAsync(Path.Combine(output, "outputs", "data.bin")));

        // A second download into the same folder would overwrite what is there: refused, pointing to --raw.
        var again = await CliProcess.RunAsync(dataDir, ["job", "get", jobId, "--output-dir", output, .. api]);
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("cannot merge results as output already exists", again.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try --raw", again.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "job", "get", "j-1", "--download-timeout-secs", "soon" }, "Error: invalid --download-timeout-secs 'soon': expected a duration")]
    [InlineData(new[] { "job", "get", "j-1", "--download-timeout-secs", "0s" }, "Error: invalid --download-timeout-secs '0s'")]
    [InlineData(new[] { "job", "get", "j-1/stdout" }, "Error: 'j-1/stdout': downloading one file of a result is not supported")]
    [InlineData(new[] { "docker", "run", "--download", "--wait=false", "ubuntu" }, "Error: --download waits for the job to finish: it cannot go with --wait=false")]
    [InlineData(new[] { "docker", "run", "--download", "--download-timeout-secs", "25h", "ubuntu" }, "Error: invalid --download-timeout-secs '25h'")]
    public async Task Bad_download_flags_are_one_line_errors(string[] args, string expected)
    {
        var dataDir = Directory.CreateTempSubdirectory("bacalhau-cli-get-").FullName;
        try
        {
            var result = await CliProcess.RunAsync(dataDir, args);

            Assert.True(result.ExitCode != 0, result.ToString());
            var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith(expected, line, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task An_output_dir_that_does_not_exist_is_an_error_naming_it()
    {
        await using var cluster = new LocalCluster();
        var (dataDir, api) = await StartHybridAsync(cluster);
        var jobId = await RunWasmAsync(dataDir, api, "--publisher", "local");
        var missing = Path.Combine(dataDir, "missing");

        var result = await CliProcess.RunAsync(dataDir, ["job", "get", jobId, "--output-dir", missing, .. api]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.EndsWith($"Error: output dir does not exist: {missing}\n", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    private static async Task<(string DataDir, string[] Api)> StartHybridAsync(LocalCluster cluster, params string[] extra)
    {
        var dataDir = cluster.NewDataDir();
        var apiPort = await cluster.StartHybridAsync(dataDir, extra);
        return (dataDir, ["--api-port", $"{apiPort}"]);
    }

    /// <summary>Runs <see cref="Module"/> with its result directory <c>outputs</c> to its end; returns the job ID.</summary>
    private static async Task<string> RunWasmAsync(string dataDir, string[] api, params string[] flags)
    {
        var module = Path.Combine(dataDir, "main.wasm");
        await File.WriteAllBytesAsync(module, Wat.ToWasm(Module));
        var run = await CliProcess.RunAsync(dataDir, ["wasm", "run", module, "-o", "outputs:/outputs", "--id-only", .. flags, .. api]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.Stdout.Split('\n')[0].Trim();
    }
}

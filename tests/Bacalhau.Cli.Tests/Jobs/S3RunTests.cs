using System.Text.Json;
using Bacalhau.Cli.Tests.Infrastructure;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.Cli.Tests.Jobs;

/// <summary>
/// S3 inputs and the S3 publisher against a real S3-compatible store (s3rver), an orchestrator and a compute node
/// started with <c>bacalhau serve</c> (both with the store's credentials in their environment, the CLI without any),
/// and containers on a private dockerd: Bacalhau's own <c>docker-s3.yaml</c> unchanged, <c>job get</c> of a result
/// published to S3, and one job's published result as the next one's input.
/// </summary>
public sealed class S3RunTests(S3RunTests.Cluster cluster) : IClassFixture<S3RunTests.Cluster>
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes a fixture through IAsyncLifetime.DisposeAsync")]
    public sealed class Cluster : IAsyncLifetime
    {
        private LocalCluster? _nodes;
        private DockerDaemon? _docker;

        internal S3Server Store { get; private set; } = null!;

        public string DataDir { get; private set; } = "";

        public string[] Api { get; private set; } = [];

        public async Task InitializeAsync()
        {
            Store = await S3Server.StartAsync();
            _docker = await DockerDaemon.StartAsync();
            _nodes = new LocalCluster { Environment = Store.NodeEnvironment };
            var (dataDir, apiPort, natsPort) = await _nodes.StartOrchestratorAsync("--Orchestrator.Scheduler.MaxRetries=0");
            (DataDir, Api) = (dataDir, ["--api-port", $"{apiPort}"]);
            var token = (await CliProcess.RunAsync(dataDir, "config", "get", "Orchestrator.Auth.Token")).Stdout.Trim();
            var compute = _nodes.Serve(_nodes.NewDataDir(), "--compute", $"--Compute.Orchestrators={token}@127.0.0.1:{natsPort}",
                "--api-port", $"{LocalCluster.FreePort()}", "--host", "127.0.0.1", $"--Compute.Docker.Host={_docker.Host}");
            await LocalCluster.WaitForConnectedComputeNodesAsync(dataDir, apiPort, 1, compute);
        }

        public async Task DisposeAsync()
        {
            if (_nodes is not null)
            {
                await _nodes.DisposeAsync();
            }

            if (_docker is not null)
            {
                await _docker.DisposeAsync();
            }

            if (Store is not null)
            {
                await Store.DisposeAsync();
            }
        }

        /// <summary>The CLI, with no S3 credentials or endpoint of its own.</summary>
        internal Task<CliResult> RunAsync(params string[] args) => CliProcess.RunAsync(DataDir, [.. Api, .. args]);

        /// <summary>The job's one result as the orchestrator's API hands it to clients.</summary>
        public async Task<JsonElement> ResultsAsync(string jobId)
        {
            using var http = new HttpClient();
            using var document = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{Api[1]}/api/v1/orchestrator/jobs/{jobId}/results"));
            return Assert.Single(document.RootElement.GetProperty("Items").EnumerateArray()).Clone();
        }

        public async Task<JsonElement> PublishedResultAsync(string jobId)
        {
            var describe = await RunAsync("job", "describe", jobId, "--output", "json");
            Assert.True(describe.ExitCode == 0, describe.ToString());
            using var document = JsonDocument.Parse(describe.Stdout);
            return document.RootElement.GetProperty("Executions").GetProperty("Items").EnumerateArray()
                .Single(e => e.GetProperty("ComputeState").GetProperty("StateType").GetString() == "Completed")
                .GetProperty("PublishedResult").Clone();
        }
    }

    [Fact]
    public async Task Bacalhaus_docker_s3_spec_runs_unchanged_against_the_nodes_store()
    {
        // The spec names Bacalhau's public bucket and no endpoint: the node's AWS_ENDPOINT_URL_S3 leads it to this store.
        await cluster.Store.CreateBucketAsync("bacalhau-test-datasets");
        await cluster.Store.PutAsync("bacalhau-test-datasets", "integration-tests-do-not-delete/set1/first.txt", "1"u8.ToArray());
        await cluster.Store.PutAsync("bacalhau-test-datasets", "integration-tests-do-not-delete/set1/second.csv", "2"u8.ToArray());
        await cluster.Store.PutAsync("bacalhau-test-datasets", "integration-tests-do-not-delete/set2/other.txt", "3"u8.ToArray());

        var run = await cluster.RunAsync("job", "run", RepositoryPaths.ConformanceJob("docker-s3.yaml"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("first.txt\nsecond.csv\n", run.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("other.txt", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_result_published_to_s3_comes_back_with_job_get_byte_for_byte()
    {
        await cluster.Store.CreateBucketAsync("results");
        var run = await cluster.RunAsync("docker", "run", "-p", "s3://results/jobs/{jobID}/{executionID}", "-o", "out:/out",
            "busybox:1.37.0", "--", "sh", "-c", "printf 'a\\000b\\377\\n' > /out/data.bin; mkdir /out/sub; echo nested > /out/sub/n.txt; echo hello s3");
        Assert.True(run.ExitCode == 0, run.ToString());
        var jobId = JobId(run);
        var published = await cluster.PublishedResultAsync(jobId);
        var key = published.GetProperty("Params").GetProperty("Key").GetString()!;
        Assert.Equal("s3", published.GetProperty("Type").GetString());
        Assert.Matches($"^jobs/{jobId}/e-[^/]+\\.tar\\.gz$", key);
        Assert.Equal([key], await cluster.Store.ListAsync("results", $"jobs/{jobId}/"));
        // The CLI has no credentials: the orchestrator hands it a URL it signed with its own.
        var results = await cluster.ResultsAsync(jobId);
        Assert.Equal("s3PreSigned", results.GetProperty("Type").GetString());
        Assert.StartsWith($"{cluster.Store.Endpoint}/results/{key}?", results.GetProperty("Params").GetProperty("PreSignedURL").GetString(), StringComparison.Ordinal);
        Assert.Contains("X-Amz-Signature=", results.GetProperty("Params").GetProperty("PreSignedURL").GetString(), StringComparison.Ordinal);

        var downloaded = Directory.CreateTempSubdirectory("bacalhau-s3-get-").FullName;
        try
        {
            var get = await cluster.RunAsync("job", "get", jobId, "--output-dir", downloaded);

            Assert.True(get.ExitCode == 0, get.ToString());
            Assert.Equal(new byte[] { (byte)'a', 0, (byte)'b', 0xff, (byte)'\n' }, await File.ReadAllBytesAsync(Path.Combine(downloaded, "out", "data.bin")));
            Assert.Equal("nested\n", await File.ReadAllTextAsync(Path.Combine(downloaded, "out", "sub", "n.txt")));
            Assert.Equal("hello s3\n", await File.ReadAllTextAsync(Path.Combine(downloaded, "stdout")));
            Assert.Equal("0", await File.ReadAllTextAsync(Path.Combine(downloaded, "exitCode")));
        }
        finally
        {
            Directory.Delete(downloaded, recursive: true);
        }
    }

    [Fact]
    public async Task A_result_published_to_s3_is_the_input_of_the_next_job()
    {
        await cluster.Store.CreateBucketAsync("chain");
        var first = await cluster.RunAsync("docker", "run", "-p", "s3://chain/runs/first,opt=encoding=plain", "-o", "out:/out",
            "busybox:1.37.0", "--", "sh", "-c", "echo written by the first job > /out/note.txt; echo first stdout");
        Assert.True(first.ExitCode == 0, first.ToString());

        var second = await cluster.RunAsync("docker", "run", "-i", "s3://chain/runs/first/:/previous", "busybox:1.37.0", "--", "cat", "/previous/out/note.txt", "/previous/stdout");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("written by the first job\nfirst stdout\n", second.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_published_archive_is_read_back_with_its_checksum_checked()
    {
        await cluster.Store.CreateBucketAsync("archives");
        var first = await cluster.RunAsync("docker", "run", "-p", "s3://archives/{jobID}", "busybox:1.37.0", "--", "echo", "archived");
        Assert.True(first.ExitCode == 0, first.ToString());
        var published = (await cluster.PublishedResultAsync(JobId(first))).GetProperty("Params");
        var (key, checksum) = (published.GetProperty("Key").GetString()!, published.GetProperty("ChecksumSHA256").GetString()!);

        var second = await cluster.RunAsync("docker", "run", "-i", $"src=s3://archives/{key},dst=/previous,opt=checksum-256={checksum}",
            "busybox:1.37.0", "--", "tar", "-xzOf", $"/previous/{key}", "stdout");
        var tampered = await cluster.RunAsync("docker", "run", "-i", $"src=s3://archives/{key},dst=/previous,opt=checksum-256={Convert.ToBase64String(new byte[32])}",
            "busybox:1.37.0", "--", "true");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("archived\n", second.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.NotEqual(0, tampered.ExitCode);
        Assert.Contains($"s3: checksum mismatch for s3://archives/{key}", tampered.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_object_or_bucket_or_a_metadata_endpoint_fails_the_job_naming_it()
    {
        await cluster.Store.CreateBucketAsync("sparse");

        var missingKey = await cluster.RunAsync("docker", "run", "-i", "s3://sparse/nothing-here.txt", "busybox:1.37.0", "--", "true");
        var missingBucket = await cluster.RunAsync("docker", "run", "-p", "s3://no-such-bucket/out", "busybox:1.37.0", "--", "true");
        var metadata = await cluster.RunAsync("docker", "run", "-i", "src=s3://latest/meta-data/iam/,dst=/in,opt=endpoint=http://169.254.169.254", "busybox:1.37.0", "--", "true");

        Assert.NotEqual(0, missingKey.ExitCode);
        Assert.Contains("InputSources[0]: s3: s3://sparse/nothing-here.txt: no such object", missingKey.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, missingBucket.ExitCode);
        Assert.Contains("s3 publisher: s3://no-such-bucket/out.tar.gz: the bucket 'no-such-bucket' does not exist", missingBucket.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, metadata.ExitCode);
        Assert.Contains("InputSources[0]: s3: the endpoint http://169.254.169.254 is an instance metadata address, which is refused", metadata.Stderr, StringComparison.Ordinal);
    }

    private static string JobId(CliResult run) => run.Stdout.Split("Job ID: ")[1].Split('\n')[0].Trim();
}

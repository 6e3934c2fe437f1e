using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.IntegrationTests.Infrastructure;
using Bacalhau.JobSpecs;

namespace Bacalhau.IntegrationTests.Executors;

/// <summary>Docker jobs run as real containers on a private Docker daemon; none is left behind.</summary>
[Collection(DockerCluster.Name)]
public sealed class DockerJobTests(DockerClusterFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(60);
    private static readonly string[] ShellEntrypoint = ["/bin/sh", "-c"];
    private readonly string _scratch = Directory.CreateTempSubdirectory("bacalhau-docker-").FullName;

    private ClusterFixture Cluster => fixture.Cluster;

    public Task InitializeAsync() => Cluster.WaitForReplicasAsync();

    public async Task DisposeAsync()
    {
        Directory.Delete(_scratch, recursive: true);
        Assert.Empty(await fixture.Daemon.ContainersLeftAsync(TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData("docker-hello.yaml", "Hello Bacalhau!")]
    [InlineData("docker.yaml", "15")]
    public async Task Conformance_specs_run_in_a_container_and_report_its_output(string fileName, string stdout)
    {
        var spec = JobSpecReader.Read(await File.ReadAllTextAsync(RepositoryPaths.ConformanceJob(fileName)));

        var done = await RunAsync(spec, JobStateType.Completed);

        var output = Assert.Single(done.Executions!.Items).RunOutput!;
        Assert.Equal(stdout, output.Stdout.TrimEnd('\n'));
        Assert.Equal("", output.Stderr);
        Assert.Equal(0, output.ExitCode);
    }

    [Fact]
    public async Task A_result_path_comes_back_in_the_locally_published_archive()
    {
        var spec = JobSpecReader.Read(await File.ReadAllTextAsync(RepositoryPaths.ConformanceJob("docker-output.yaml")));

        var done = await RunAsync(spec, JobStateType.Completed);

        var published = Assert.Single(done.Executions!.Items).PublishedResult!;
        Assert.Equal(PublisherTypes.Local, published.Type);
        var results = await Cluster.Api.GetFromJsonAsync($"/api/v1/orchestrator/jobs/{done.Job.ID}/results", Contracts.Serialization.BacalhauJsonContext.Default.ListJobResultsResponse);
        // Described to clients as Bacalhau does, a urlDownload, fetched through the API rather than from the node.
        var listed = Assert.Single(results!.Items);
        Assert.Equal(SourceTypes.UrlDownload, listed.Type);
        Assert.True(listed.TryGetParam("URL", out var url));
        Assert.StartsWith(new Uri(Cluster.Api.BaseAddress!, "/api/v1/orchestrator/jobs/").ToString(), url.GetString(), StringComparison.Ordinal);
        var files = await ReadArchiveAsync(await Cluster.Api.GetStreamAsync(new Uri(url.GetString()!)));
        Assert.Equal("15\n", files["output_custom/output.txt"]);
        Assert.Equal("0", files["exitCode"]);
        Assert.Equal("", files["stdout"]);
    }

    [Fact]
    public async Task A_task_over_its_memory_limit_is_killed_and_fails_saying_so()
    {
        // Holds 50 MB in a shell variable under a 16 MB limit.
        var job = ShellJob("x=$(head -c 50000000 /dev/zero | tr '\\0' a); echo ${#x}");
        job.Tasks[0].Resources.Memory = "16Mb";

        var failed = await RunAsync(job, JobStateType.Failed);

        var execution = Assert.Single(failed.Executions!.Items);
        Assert.Contains("memory", execution.ComputeState.Message, StringComparison.Ordinal);
        Assert.Contains("out of memory", execution.ComputeState.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_container_runs_without_privileges_it_could_use_on_the_host()
    {
        var job = ShellJob("grep -E '^(CapEff|NoNewPrivs):' /proc/self/status");

        var done = await RunAsync(job, JobStateType.Completed);

        var lines = Assert.Single(done.Executions!.Items).RunOutput!.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)));
        // CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID and SETUID (bits 0, 1, 3 to 7) and nothing else.
        Assert.Equal(["CapEff: 00000000000000fb", "NoNewPrivs: 1"], lines);
    }

    [Fact]
    public async Task A_task_over_its_execution_timeout_is_killed_and_fails_saying_so()
    {
        // It would outlive the test: that it is killed, not left running, is checked when the test ends (no container left).
        var job = ShellJob("sleep 3600");
        job.Tasks[0].Timeouts.ExecutionTimeout = 2;

        var failed = await RunAsync(job, JobStateType.Failed);

        Assert.Contains("timed out", Assert.Single(failed.Executions!.Items).ComputeState.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_that_is_not_there_fails_the_execution_naming_it()
    {
        // A registry on a closed loopback port: the pull fails at once and the daemon looks nothing up elsewhere.
        const string Image = "127.0.0.1:9/no-such-image:0.1";
        var job = ShellJob("true");
        job.Tasks[0].Engine.Params["Image"] = JsonSerializer.SerializeToElement(Image);

        var failed = await RunAsync(job, JobStateType.Failed);

        Assert.Contains($"image '{Image}' is not present on this node and could not be pulled", Assert.Single(failed.Executions!.Items).ComputeState.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_nodes_whose_daemon_answers_offer_docker()
    {
        var replicas = await Cluster.WaitForReplicasAsync();
        Assert.All(replicas, node => Assert.Contains(EngineTypes.Docker, node.Info.ComputeNodeInfo!.ExecutionEngines));

        await using var dockerless = Cluster.StartComputeNode(_scratch, environment: new Dictionary<string, string>
        {
            ["Compute__Docker__Host"] = $"unix://{Path.Combine(_scratch, "no-daemon.sock")}",
            ["Labels__docker"] = "absent",
        });
        var node = await Cluster.WaitForNodeAsync(await dockerless.WaitForNodeIdAsync(JobTimeout), NodeConnectionStatus.Connected, JobTimeout);
        Assert.DoesNotContain(EngineTypes.Docker, node.Info.ComputeNodeInfo!.ExecutionEngines);
        Assert.Contains(EngineTypes.Noop, node.Info.ComputeNodeInfo.ExecutionEngines);

        var job = ShellJob("true") with { Constraints = [new LabelSelectorRequirement { Key = "docker", Operator = "=", Values = ["absent"] }] };
        var submitted = await Cluster.SubmitAsync(job);
        var queued = await Cluster.WaitForJobAsync(submitted.JobID, JobStateType.Queued, JobTimeout);
        Assert.Contains("'docker'", queued.Job.State.Message, StringComparison.Ordinal);
        await Cluster.WaitForJobAsync(submitted.JobID, JobStateType.Failed, ClusterFixture.QueueTimeout * 4);
    }

    private async Task<Contracts.Api.GetJobResponse> RunAsync(Job job, JobStateType expected)
    {
        var submitted = await Cluster.SubmitAsync(job);
        return await Cluster.WaitForJobAsync(submitted.JobID, expected, JobTimeout);
    }

    internal static Job ShellJob(string script) => new()
    {
        // A name of its own: a spec named like an earlier job would update that job rather than run beside it.
        Name = $"docker-test-{Guid.NewGuid():N}",
        Type = JobTypes.Batch,
        Tasks =
        [
            new JobTask
            {
                Name = "main",
                Engine = new SpecConfig
                {
                    Type = EngineTypes.Docker,
                    Params = new()
                    {
                        ["Image"] = JsonSerializer.SerializeToElement("busybox:1.37.0"),
                        ["Entrypoint"] = JsonSerializer.SerializeToElement(ShellEntrypoint),
                        ["Parameters"] = JsonSerializer.SerializeToElement(new[] { script }),
                    },
                },
            },
        ],
    };

    /// <summary>The regular files of a gzipped tar, by entry name.</summary>
    internal static async Task<Dictionary<string, string>> ReadArchiveAsync(Stream archive)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var gzip = new GZipStream(archive, CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            if (entry.EntryType == TarEntryType.RegularFile)
            {
                // An empty file has no data stream.
                using var reader = new StreamReader(entry.DataStream ?? Stream.Null, Encoding.UTF8);
                files[entry.Name] = await reader.ReadToEndAsync();
            }
        }

        return files;
    }
}

using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.IntegrationTests.Cli;

/// <summary>`bacalhau docker run`, `bacalhau job run` and `bacalhau job logs` against a cluster with a real Docker daemon print the job's output.</summary>
[Collection(DockerCluster.Name)]
public sealed class DockerRunCommandTests(DockerClusterFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Docker_run_prints_what_the_container_wrote()
    {
        var result = await RunCliAsync("docker", "run", "busybox:1.37.0", "--", "sh", "-c", "echo hello from a container");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("hello from a container", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Job_run_of_a_conformance_spec_prints_its_output()
    {
        var result = await RunCliAsync("job", "run", RepositoryPaths.ConformanceJob("docker-hello.yaml"), "--force");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("Hello Bacalhau!", result.Output, StringComparison.Ordinal);
    }

    // docker-output.json asks for /bin/bash, which the busybox image tests tag as ubuntu does not have.
    [Fact]
    public async Task A_conformance_specs_result_comes_back_byte_for_byte_with_download_and_job_get()
    {
        var downloaded = Directory.CreateTempSubdirectory("bacalhau-results-").FullName;
        try
        {
            var run = await RunCliAsync("job", "run", RepositoryPaths.ConformanceJob("docker-output.yaml"), "--force", "--download", "--output-dir", downloaded);

            Assert.True(run.ExitCode == 0, run.Output);
            Assert.Equal("15\n", await File.ReadAllTextAsync(Path.Combine(downloaded, "output_custom", "output.txt")));
            Assert.Equal("", await File.ReadAllTextAsync(Path.Combine(downloaded, "stdout")));
            Assert.Equal("", await File.ReadAllTextAsync(Path.Combine(downloaded, "stderr")));
            Assert.Equal("0", await File.ReadAllTextAsync(Path.Combine(downloaded, "exitCode")));

            var jobId = run.Output.Split("Job ID: ")[1].Split('\n')[0].Trim();
            var again = Path.Combine(downloaded, "again");
            Directory.CreateDirectory(again);
            var get = await RunCliAsync("job", "get", jobId, "--output-dir", again);

            Assert.True(get.ExitCode == 0, get.Output);
            Assert.Equal("15\n", await File.ReadAllTextAsync(Path.Combine(again, "output_custom", "output.txt")));
        }
        finally
        {
            Directory.Delete(downloaded, recursive: true);
        }
    }

    [Fact]
    public async Task Docker_run_with_follow_streams_the_output_live()
    {
        var result = await RunCliAsync("docker", "run", "--follow", "busybox:1.37.0", "--", "sh", "-c", "for i in 1 2 3; do echo tick $i; sleep 0.2; done");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("tick 1\ntick 2\ntick 3", result.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_container_makes_docker_run_exit_non_zero()
    {
        // From a registry on a closed loopback port, so that the failed pull looks nothing up elsewhere.
        var result = await RunCliAsync("docker", "run", "127.0.0.1:9/no-such-image:0.1", "--", "true");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("no-such-image", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_result_published_to_ipfs_is_the_input_of_the_next_docker_run()
    {
        await fixture.WaitForIpfsAsync();
        var first = await RunCliAsync("docker", "run", "-p", "ipfs", "-o", "out:/out", "busybox:1.37.0", "--", "sh", "-c", "echo written to a result path > /out/note.txt");
        Assert.True(first.ExitCode == 0, first.Output);
        var jobId = first.Output.Split("Job ID: ")[1].Split('\n')[0].Trim();
        var done = await fixture.Cluster.WaitForJobAsync(jobId, JobStateType.Completed, Timeout);
        var cid = done.Executions!.Items.Single(e => e.ComputeState.StateType == ExecutionStateType.Completed).PublishedResult!.Params["CID"].GetString();

        var second = await RunCliAsync("docker", "run", "-i", $"ipfs://{cid}:/previous", "busybox:1.37.0", "--", "cat", "/previous/out/note.txt", "/previous/exitCode");

        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("written to a result path\n0", second.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Job_logs_with_tail_prints_the_last_lines()
    {
        await fixture.Cluster.WaitForReplicasAsync();
        var submitted = await fixture.Cluster.SubmitAsync(Executors.DockerJobTests.ShellJob("for i in 1 2 3 4 5; do echo line $i; done"));
        await fixture.Cluster.WaitForJobAsync(submitted.JobID, JobStateType.Completed, Timeout);

        var result = await RunCliAsync("job", "logs", submitted.JobID, "--tail", "2");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal("line 4\nline 5\n", result.Output.ReplaceLineEndings("\n"));
    }

    private async Task<(int ExitCode, string Output)> RunCliAsync(params string[] arguments)
    {
        await fixture.Cluster.WaitForReplicasAsync();
        var api = fixture.Cluster.Api.BaseAddress!;
        var dataDir = Directory.CreateTempSubdirectory("bacalhau-cli-").FullName;
        try
        {
            await using var cli = ChildProcess.Start(
                "dotnet",
                [RepositoryPaths.CliAssembly, "--api-host", api.Host, "--api-port", api.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. arguments],
                new Dictionary<string, string> { ["BACALHAU_DIR"] = dataDir });
            var exitCode = await cli.WaitForExitAsync(Timeout);
            return (exitCode, cli.Output);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}

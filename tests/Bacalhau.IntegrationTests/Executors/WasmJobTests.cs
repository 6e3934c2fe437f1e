using Bacalhau.Compute.Tests.Executors.Wasm;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.IntegrationTests.Infrastructure;
using Bacalhau.JobSpecs;

namespace Bacalhau.IntegrationTests.Executors;

/// <summary>WebAssembly jobs run by the compute replicas of the real cluster.</summary>
[Collection(SharedCluster.Name)]
public sealed class WasmJobTests(ClusterFixture cluster)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Every_replica_advertises_the_wasm_engine()
    {
        var replicas = await cluster.WaitForReplicasAsync();

        Assert.All(replicas, r => Assert.Contains(EngineTypes.Wasm, r.Info.ComputeNodeInfo!.ExecutionEngines));
    }

    [Fact]
    public async Task The_conformance_wasm_job_completes_with_its_greeting()
    {
        await cluster.WaitForReplicasAsync();
        var job = JobSpecReader.Read(await File.ReadAllTextAsync(RepositoryPaths.ConformanceJob("wasm.yaml")));

        var submitted = await cluster.SubmitAsync(job);
        var done = await cluster.WaitForJobAsync(submitted.JobID, JobStateType.Completed, JobTimeout);

        var execution = Assert.Single(done.Executions!.Items);
        Assert.Equal(0, execution.RunOutput!.ExitCode);
        Assert.Contains("Hello, world!", execution.RunOutput.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_module_that_never_ends_fails_at_its_execution_timeout()
    {
        await cluster.WaitForReplicasAsync();
        const string spin = """(module (func (export "_start") (loop $forever (br $forever))))""";
        var job = new Job
        {
            Name = "wasm-spin",
            Type = JobTypes.Batch,
            Count = 1,
            Tasks =
            [
                new JobTask
                {
                    Name = "main",
                    Engine = new SpecConfig { Type = EngineTypes.Wasm, Params = { ["EntryModule"] = Json("spin.wasm") } },
                    InputSources =
                    [
                        new InputSource
                        {
                            Target = "/spin.wasm",
                            Source = new SpecConfig { Type = SourceTypes.Inline, Params = { ["URL"] = Json(Wat.ToDataUrl(spin)) } },
                        },
                    ],
                    Timeouts = new TimeoutConfig { ExecutionTimeout = 2 },
                },
            ],
        };

        var submitted = await cluster.SubmitAsync(job);
        var failed = await cluster.WaitForJobAsync(submitted.JobID, JobStateType.Failed, JobTimeout);

        // The scheduler retries a failed execution on other nodes; each attempt times out alike.
        Assert.All(failed.Executions!.Items, e => Assert.Contains("timed out", e.ComputeState.Message, StringComparison.Ordinal));
        Assert.Contains("timed out", failed.Job.State.Message, StringComparison.Ordinal);
    }

    private static System.Text.Json.JsonElement Json(string value) => System.Text.Json.JsonSerializer.SerializeToElement(value);
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.IntegrationTests.Infrastructure;
using Bacalhau.JobSpecs;

namespace Bacalhau.IntegrationTests.Jobs;

/// <summary>Jobs submitted to the REST API, scheduled over NATS onto real compute nodes, run and reported back.</summary>
[Collection(SharedCluster.Name)]
public sealed class JobLifecycleTests(ClusterFixture cluster) : IDisposable
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(60);
    private readonly string _scratch = Directory.CreateTempSubdirectory("bacalhau-jobs-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Theory]
    [InlineData("noop.yaml")]
    [InlineData("nameless.yaml")]
    [InlineData("docker-hello.yaml")]
    [InlineData("docker.yaml")]
    [InlineData("docker-output.yaml")]
    [InlineData("docker-output.json")]
    [InlineData("wasm.yaml")]
    [InlineData("wasm_legacy.yaml")]
    public async Task Conformance_specs_on_the_noop_engine_complete(string fileName)
    {
        await cluster.WaitForReplicasAsync();
        var spec = JobSpecReader.Read(await File.ReadAllTextAsync(RepositoryPaths.ConformanceJob(fileName)));
        // Engine and publisher rewritten to noop: what runs and what is published is the executors' business (tested there).
        var noop = new SpecConfig { Type = EngineTypes.Noop };
        var job = spec with { Tasks = [spec.Tasks[0] with { Engine = noop, Publisher = spec.Tasks[0].Publisher is null ? null : noop }] };

        var submitted = await cluster.SubmitAsync(job);
        var done = await cluster.WaitForJobAsync(submitted.JobID, JobStateType.Completed, JobTimeout);

        Assert.False(string.IsNullOrEmpty(submitted.EvaluationID));
        Assert.Equal(spec.Name is "" ? submitted.JobID : spec.Name, done.Job.Name);
        var execution = Assert.Single(done.Executions!.Items);
        Assert.Equal(ExecutionStateType.Completed, execution.ComputeState.StateType);
        Assert.Equal(0, execution.RunOutput!.ExitCode);
        Assert.Contains(done.History!.Items, h => h.JobState?.New == JobStateType.Completed);
    }

    [Theory]
    [InlineData("empty.yaml", "Job")]
    [InlineData("custom-task-type.yaml", "flibble")]
    public async Task Invalid_conformance_specs_get_a_400_that_says_why(string fileName, string mentioned)
    {
        var text = await File.ReadAllTextAsync(RepositoryPaths.ConformanceJob(fileName));
        var body = string.IsNullOrWhiteSpace(text)
            ? "{\"Job\": null}"
            : $"{{\"Job\": {JsonSerializer.Serialize(JobSpecReader.Read(text), Contracts.Serialization.BacalhauJsonContext.Default.Job)}}}";

        var (status, message) = await PutRawAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(mentioned, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("{\"Job\": {\"Type\": \"batch\", \"Count\": -1, \"Tasks\": [{\"Name\": \"main\", \"Engine\": {\"Type\": \"noop\"}}]}}", "Count")]
    [InlineData("{\"Job\": {\"Type\": \"ops\", \"Count\": 2, \"Tasks\": [{\"Name\": \"main\", \"Engine\": {\"Type\": \"noop\"}}]}}", "Count")]
    [InlineData("{\"Job\": {\"Type\": \"sometimes\", \"Tasks\": [{\"Name\": \"main\", \"Engine\": {\"Type\": \"noop\"}}]}}", "Type")]
    [InlineData("{\"Job\": {\"Type\": \"batch\", \"Count\": \"many\", \"Tasks\": []}}", "Count")]
    public async Task Bad_input_is_a_400_naming_the_field(string body, string mentioned)
    {
        var (status, message) = await PutRawAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(mentioned, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_job_with_count_3_runs_on_3_different_nodes()
    {
        await cluster.WaitForReplicasAsync();

        var submitted = await cluster.SubmitAsync(NoopJob(JobTypes.Batch, count: 3));
        var done = await cluster.WaitForJobAsync(submitted.JobID, JobStateType.Completed, JobTimeout);

        var executions = done.Executions!.Items;
        Assert.Equal(3, executions.Count);
        Assert.Equal([0, 1, 2], executions.Select(e => e.PartitionIndex).Order());
        Assert.Equal(3, executions.Select(e => e.NodeID).Distinct().Count());
    }

    [Fact]
    public async Task An_ops_job_runs_once_on_every_node()
    {
        var replicas = await cluster.WaitForReplicasAsync();
        var connected = (await cluster.ListNodesAsync()).Where(n => n.Info.NodeType == NodeType.Compute && n.ConnectionState.Status == NodeConnectionStatus.Connected).Select(n => n.Info.NodeID).ToHashSet();

        var submitted = await cluster.SubmitAsync(NoopJob(JobTypes.Ops));
        var done = await cluster.WaitForJobAsync(submitted.JobID, JobStateType.Completed, JobTimeout);

        var nodes = done.Executions!.Items.Select(e => e.NodeID).ToList();
        Assert.Equal(nodes.Count, nodes.Distinct().Count());
        Assert.Equal(connected, nodes.ToHashSet());
        Assert.Superset(replicas.Select(r => r.Info.NodeID).ToHashSet(), nodes.ToHashSet());
    }

    [Fact]
    public async Task A_daemon_job_reaches_a_node_that_joins_later()
    {
        await cluster.WaitForReplicasAsync();
        var submitted = await cluster.SubmitAsync(NoopJob(JobTypes.Daemon));
        await cluster.WaitForJobAsync(submitted.JobID, JobStateType.Running, JobTimeout);

        await using var late = cluster.StartComputeNode(_scratch);
        var lateId = await late.WaitForNodeIdAsync(JobTimeout);

        var reached = await Eventually.WaitAsync(
            async () => (await cluster.GetJobAsync(submitted.JobID)).Executions!.Items.FirstOrDefault(e => e.NodeID == lateId && e.ComputeState.StateType == ExecutionStateType.Completed),
            JobTimeout,
            $"the daemon job to run on the late node {lateId}");
        Assert.Equal(submitted.JobID, reached.JobID);

        await cluster.Api.DeleteAsync($"/api/v1/orchestrator/jobs/{submitted.JobID}");
    }

    [Fact]
    public async Task Stop_cancels_running_executions()
    {
        await cluster.WaitForReplicasAsync();
        var submitted = await cluster.SubmitAsync(NoopJob(JobTypes.Batch, count: 2, durationSeconds: 120));
        await Eventually.WaitAsync(
            async () => (await cluster.GetJobAsync(submitted.JobID)).Executions!.Items is { Count: 2 } items && items.All(e => e.ComputeState.StateType == ExecutionStateType.Running) ? items : null,
            JobTimeout,
            "both executions to be running");

        using var stop = await cluster.Api.DeleteAsync($"/api/v1/orchestrator/jobs/{submitted.JobID}?reason=enough");
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);

        var stopped = await cluster.WaitForJobAsync(submitted.JobID, JobStateType.Stopped, JobTimeout);
        Assert.Equal("enough", stopped.Job.State.Message);
        Assert.All(stopped.Executions!.Items, e => Assert.Equal(ExecutionStateType.Cancelled, e.ComputeState.StateType));

        using var again = await cluster.Api.DeleteAsync($"/api/v1/orchestrator/jobs/{submitted.JobID}");
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
    }

    [Fact]
    public async Task A_job_no_node_can_take_fails_after_its_queue_timeout_with_the_reason()
    {
        var job = NoopJob(JobTypes.Batch) with
        {
            Constraints = [new LabelSelectorRequirement { Key = "region", Operator = "=", Values = ["mars"] }],
        };

        var submitted = await cluster.SubmitAsync(job);
        var queued = await cluster.WaitForJobAsync(submitted.JobID, JobStateType.Queued, JobTimeout);
        Assert.Contains("constraints", queued.Job.State.Message, StringComparison.Ordinal);

        var failed = await Eventually.WaitAsync(
            async () => (await cluster.GetJobAsync(submitted.JobID)) is { Job.State.StateType: JobStateType.Failed } j ? j : null,
            ClusterFixture.QueueTimeout * 4,
            "the queued job to fail");
        Assert.Contains("queue timeout", failed.Job.State.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jobs_list_pages_with_next_token()
    {
        for (var i = 0; i < 3; i++)
        {
            await cluster.SubmitAsync(NoopJob(JobTypes.Batch));
        }

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await cluster.Api.GetFromJsonAsync($"/api/v1/orchestrator/jobs?limit=2{(token is null ? "" : $"&next_token={token}")}", Contracts.Serialization.BacalhauJsonContext.Default.ListJobsResponse);
            Assert.True(page!.Items.Count <= 2);
            seen.AddRange(page.Items.Select(j => j.ID));
            token = page.NextToken;
        }
        while (token is not null);

        Assert.True(seen.Count >= 3);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        using var missing = await cluster.Api.GetAsync("/api/v1/orchestrator/jobs/j-does-not-exist");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_blocking_query_answers_when_the_job_changes()
    {
        await cluster.WaitForReplicasAsync();
        var submitted = await cluster.SubmitAsync(NoopJob(JobTypes.Batch, durationSeconds: 2));
        var seen = (await cluster.GetJobAsync(submitted.JobID)).Job;
        var json = Contracts.Serialization.BacalhauJsonContext.Default.GetJobResponse;

        var revisions = new List<ulong> { seen.Revision };
        while (!seen.State.StateType.IsTerminal())
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            seen = (await cluster.Api.GetFromJsonAsync($"/api/v1/orchestrator/jobs/{submitted.JobID}?index={seen.Revision}&wait=30s", json))!.Job;
            Assert.True(seen.Revision > revisions[^1] || waited.Elapsed >= TimeSpan.FromSeconds(29), $"answered after {waited.Elapsed} without a change");
            revisions.Add(seen.Revision);
        }

        Assert.Equal(JobStateType.Completed, seen.State.StateType);
        var timedOut = System.Diagnostics.Stopwatch.StartNew();
        var unchanged = (await cluster.Api.GetFromJsonAsync($"/api/v1/orchestrator/jobs/{submitted.JobID}?index={seen.Revision}&wait=300ms", json))!.Job;
        Assert.Equal(seen.Revision, unchanged.Revision);
        Assert.True(timedOut.Elapsed >= TimeSpan.FromMilliseconds(250), $"a wait of 300ms answered after {timedOut.Elapsed}");

        using var bad = await cluster.Api.GetAsync($"/api/v1/orchestrator/jobs/{submitted.JobID}?index=1&wait=forever");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("wait", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    internal static Job NoopJob(string type, int count = 0, double durationSeconds = 0) => new()
    {
        // A name of its own: a spec named like an earlier job would update that job rather than run beside it.
        Name = $"test-{type}-{Guid.NewGuid():N}",
        Type = type,
        Count = count,
        Tasks =
        [
            new JobTask
            {
                Name = "main",
                Engine = new SpecConfig
                {
                    Type = EngineTypes.Noop,
                    Params = durationSeconds > 0 ? new() { ["Duration"] = JsonSerializer.SerializeToElement(durationSeconds) } : [],
                },
            },
        ],
    };

    private async Task<(HttpStatusCode Status, string Message)> PutRawAsync(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await cluster.Api.PutAsync("/api/v1/orchestrator/jobs", content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}

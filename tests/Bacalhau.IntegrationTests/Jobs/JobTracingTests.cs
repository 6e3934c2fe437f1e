using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.IntegrationTests.Jobs;

/// <summary>One job is one trace: API request, scheduler, NATS messages and the compute node's execution.</summary>
[Collection(SharedCluster.Name)]
public sealed class JobTracingTests(ClusterFixture cluster)
{
    private static readonly string[] LastSpans = ["handle RunResult", "execute", "send RunResult", "bid"];

    [Fact]
    public async Task One_trace_spans_the_api_the_scheduler_nats_and_the_execution()
    {
        await cluster.WaitForReplicasAsync();
        var submitted = await cluster.SubmitAsync(JobLifecycleTests.NoopJob(JobTypes.Batch));
        var done = await cluster.WaitForJobAsync(submitted.JobID, JobStateType.Completed, TimeSpan.FromSeconds(60));
        var executionId = Assert.Single(done.Executions!.Items).ID;

        var trace = await Eventually.WaitAsync(
            () =>
            {
                var submit = cluster.Otlp.Spans.FirstOrDefault(s => s.Name == "job submit" && s.Attributes.GetValueOrDefault("bacalhau.job.id") == submitted.JobID);
                var spans = submit is null ? [] : cluster.Otlp.Spans.Where(s => s.TraceId == submit.TraceId).ToList();
                // Each service exports in its own batches: wait until the spans named below and every parent have arrived.
                var ids = spans.Select(s => s.SpanId).ToHashSet();
                var complete = LastSpans.All(name => spans.Any(s => s.Name == name))
                               && spans.Any(s => s.ParentSpanId == "")
                               && spans.All(s => s.ParentSpanId == "" || ids.Contains(s.ParentSpanId));
                return Task.FromResult(complete ? spans : null);
            },
            TimeSpan.FromSeconds(30),
            $"the spans of job {submitted.JobID} to be exported");

        Assert.Contains(trace, s => s.Service == "orchestrator" && s.Name.StartsWith("PUT", StringComparison.Ordinal) && s.ParentSpanId == "");
        Assert.Contains(trace, s => s.Service == "orchestrator" && s.Name == "schedule");
        Assert.Contains(trace, s => s.Service == "orchestrator" && s.Name == "send AskForBidRequest");
        Assert.Contains(trace, s => s.Service == "orchestrator" && s.Name.EndsWith(" publish", StringComparison.Ordinal)
                                    && s.Attributes.Values.Any(v => v.EndsWith(".in.msgs", StringComparison.Ordinal)));
        Assert.Contains(trace, s => s.Service == "compute" && s.Name.EndsWith(" receive", StringComparison.Ordinal));
        Assert.Contains(trace, s => s.Service == "compute" && s.Name == "bid");
        Assert.Contains(trace, s => s.Service == "compute" && s.Name == "execute");
        Assert.Contains(trace, s => s.Service == "compute" && s.Name == "send RunResult");
        Assert.Contains(trace, s => s.Service == "orchestrator" && s.Name == "handle RunResult");

        // Every span but the root hangs off another span of the same trace: the chain is unbroken.
        var ids = trace.Select(s => s.SpanId).ToHashSet();
        Assert.All(trace.Where(s => s.ParentSpanId != ""), s => Assert.Contains(s.ParentSpanId, ids));

        // Every span names the job, so the dashboard's filter on its ID finds them all; every span on the compute node,
        // and every message about the execution, names the execution too.
        Assert.All(trace, s => Assert.True(s.Attributes.GetValueOrDefault("bacalhau.job.id") == submitted.JobID, $"{s.Service}: {s.Name} has no job ID"));
        Assert.All(
            trace.Where(s => s.Service == "compute" || s.Name.StartsWith("send ", StringComparison.Ordinal) || s.Name.StartsWith("handle ", StringComparison.Ordinal)),
            s => Assert.True(s.Attributes.GetValueOrDefault("bacalhau.execution.id") == executionId, $"{s.Service}: {s.Name} has no execution ID"));
    }
}

using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.IntegrationTests.Jobs;

/// <summary>A crash of one node loses no job: the orchestrator recovers its state, lost compute work is rescheduled.</summary>
[Collection(SharedCluster.Name)]
public sealed class JobRecoveryTests(ClusterFixture cluster) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly string _scratch = Directory.CreateTempSubdirectory("bacalhau-recovery-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task Killing_the_orchestrator_with_200_jobs_in_flight_loses_none_and_runs_none_twice()
    {
        const int Jobs = 200;
        await cluster.WaitForReplicasAsync();
        var submitted = new List<string>();
        foreach (var chunk in Enumerable.Range(0, Jobs).Chunk(20))
        {
            var batch = await Task.WhenAll(chunk.Select(_ => cluster.SubmitAsync(JobLifecycleTests.NoopJob(JobTypes.Batch, durationSeconds: 3))));
            submitted.AddRange(batch.Select(r => r.JobID));
        }

        // Some still running, none finished yet: the kill lands in the middle of their lives.
        var before = await cluster.GetJobAsync(submitted[^1]);
        Assert.False(before.Job.State.StateType.IsTerminal());

        await cluster.KillAndRestartOrchestratorAsync(Timeout);

        foreach (var jobId in submitted)
        {
            var done = await cluster.WaitForJobAsync(jobId, JobStateType.Completed, Timeout);
            Assert.Single(done.Executions!.Items, e => e.ComputeState.StateType == ExecutionStateType.Completed);
        }
    }

    [Fact]
    public async Task Killing_a_compute_node_mid_job_reschedules_its_executions()
    {
        await cluster.WaitForReplicasAsync();
        await using var victim = cluster.StartComputeNode(_scratch);
        var victimId = await victim.WaitForNodeIdAsync(Timeout);
        await cluster.WaitForNodeAsync(victimId, Contracts.Models.NodeConnectionStatus.Connected, Timeout);

        // One partition per node, so the victim surely gets one.
        var submitted = await cluster.SubmitAsync(JobLifecycleTests.NoopJob(JobTypes.Batch, count: ClusterFixture.ComputeReplicas + 1, durationSeconds: 5));
        var onVictim = await Eventually.WaitAsync(
            async () => (await cluster.GetJobAsync(submitted.JobID)).Executions!.Items.FirstOrDefault(e => e.NodeID == victimId && e.ComputeState.StateType == ExecutionStateType.Running),
            Timeout,
            "an execution running on the victim node");

        victim.Process.Kill();

        var done = await cluster.WaitForJobAsync(submitted.JobID, JobStateType.Completed, Timeout);
        var lost = Assert.Single(done.Executions!.Items, e => e.ID == onVictim.ID);
        Assert.Equal(ExecutionStateType.Failed, lost.ComputeState.StateType);
        Assert.Contains("lost", lost.ComputeState.Message, StringComparison.Ordinal);
        var replacement = Assert.Single(done.Executions.Items, e => e.PartitionIndex == onVictim.PartitionIndex && e.ComputeState.StateType == ExecutionStateType.Completed);
        Assert.NotEqual(victimId, replacement.NodeID);
    }
}

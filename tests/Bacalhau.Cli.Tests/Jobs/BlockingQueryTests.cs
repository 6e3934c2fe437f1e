using System.Text.Json;
using Bacalhau.Cli.Tests.Infrastructure;
using Bacalhau.Client;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Cli.Tests.Jobs;

/// <summary>Following a job that stays queued: the client's own timeout must not cut the blocking query it asked for.</summary>
public sealed class BlockingQueryTests(ServedOrchestrator orchestrator) : IClassFixture<ServedOrchestrator>
{
    [Fact]
    public async Task A_job_queued_for_longer_than_the_client_timeout_is_followed_to_its_end()
    {
        // Queued (no node has the label) for 6 s, three times the client's timeout; each blocking query asks for 30 s.
        var client = BacalhauClient.Create(orchestrator.Api, TimeSpan.FromSeconds(2));
        var submitted = await SubmitQueuedAsync(client, queueTimeoutSeconds: 6);

        var states = new List<JobStateType>();
        await foreach (var job in client.FollowJobAsync(submitted.JobID))
        {
            states.Add(job.State.StateType);
        }

        Assert.Equal(JobStateType.Failed, states[^1]);
        Assert.Contains(JobStateType.Queued, states);
    }

    [Fact]
    public async Task A_submitter_follows_from_the_revision_its_submission_answered()
    {
        var client = BacalhauClient.Create(orchestrator.Api, TimeSpan.FromSeconds(30));
        var submitted = await SubmitQueuedAsync(client, queueTimeoutSeconds: 2);
        var stored = (await client.GetJobAsync(submitted.JobID)).Job;
        Assert.InRange(submitted.JobRevision, 1UL, stored.Revision);

        var followed = new List<Job>();
        await foreach (var job in client.FollowJobAsync(submitted.JobID, submitted.JobRevision))
        {
            followed.Add(job);
        }

        // Only changes after the submission's revision, ending with the queue timeout's failure.
        Assert.All(followed, job => Assert.True(job.Revision > submitted.JobRevision));
        Assert.Equal(JobStateType.Failed, followed[^1].State.StateType);
        Assert.Equal(followed.Count, followed.Select(j => j.Revision).Distinct().Count());
    }

    /// <summary>A job no node can take (no node has the label): queued until its queue timeout fails it.</summary>
    private static async Task<Contracts.Api.PutJobResponse> SubmitQueuedAsync(BacalhauClient client, int queueTimeoutSeconds)
    {
        using var spec = JsonDocument.Parse($$$"""
            {"Type":"batch","Constraints":[{"Key":"zone","Operator":"=","Values":["nowhere"]}],
             "Tasks":[{"Name":"main","Engine":{"Type":"noop"},"Timeouts":{"QueueTimeout":{{{queueTimeoutSeconds}}}}}]}
            """);
        return await client.PutJobAsync(spec.RootElement);
    }
}

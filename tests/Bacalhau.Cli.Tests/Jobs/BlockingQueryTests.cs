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
        using var spec = JsonDocument.Parse("""
            {"Type":"batch","Constraints":[{"Key":"zone","Operator":"=","Values":["nowhere"]}],
             "Tasks":[{"Name":"main","Engine":{"Type":"noop"},"Timeouts":{"QueueTimeout":6}}]}
            """);
        var submitted = await client.PutJobAsync(spec.RootElement);

        var states = new List<JobStateType>();
        await foreach (var job in client.FollowJobAsync(submitted.JobID))
        {
            states.Add(job.State.StateType);
        }

        Assert.Equal(JobStateType.Failed, states[^1]);
        Assert.Contains(JobStateType.Queued, states);
    }
}

using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Identity.Nodes;
using Bacalhau.Orchestrator.Storage;

namespace Bacalhau.Bench.Jobs;

/// <summary>
/// Fills a stopped orchestrator's database through its own <see cref="SqliteJobStore"/>, with copies of a job the
/// running system completed (the job, its executions and its history, under new IDs and later times), which is
/// hundreds of times faster than running them. Evaluations are not copied: the orchestrator does not load them.
/// </summary>
internal static class JobStoreSeeder
{
    private const int JobsPerCommit = 1000;

    public static async Task SeedAsync(string orchestratorDataDir, Job job, IReadOnlyList<Execution> executions, IReadOnlyList<JobHistory> history, int count)
    {
        var dataDir = Path.Combine(orchestratorDataDir, "orchestrator");
        await using var store = new SqliteJobStore(Path.Combine(dataDir, "state.db"), SystemMetadata.Load(dataDir).NodeId!);
        var commits = new List<Task>();
        for (var first = 0; first < count; first += JobsPerCommit)
        {
            var changes = new ChangeSet();
            for (var i = first; i < Math.Min(count, first + JobsPerCommit); i++)
            {
                Copy(changes, job, executions, history, TimeSpan.FromMilliseconds(i + 1));
            }

            commits.Add(store.CommitAsync(changes));
        }

        await Task.WhenAll(commits);
    }

    private static void Copy(ChangeSet changes, Job job, IReadOnlyList<Execution> executions, IReadOnlyList<JobHistory> history, TimeSpan later)
    {
        var shift = (long)later.TotalNanoseconds;
        var jobId = $"j-{Guid.NewGuid():D}";
        var executionIds = executions.ToDictionary(e => e.ID, _ => $"e-{Guid.NewGuid():D}", StringComparer.Ordinal);
        changes.CreatedJobs.Add(jobId);
        changes.Jobs.Add(job with { ID = jobId, CreateTime = job.CreateTime + shift, ModifyTime = job.ModifyTime + shift });
        changes.Executions.AddRange(executions.Select(e => e with
        {
            ID = executionIds[e.ID],
            JobID = jobId,
            Job = null,
            CreateTime = e.CreateTime + shift,
            ModifyTime = e.ModifyTime + shift,
        }));
        changes.History.AddRange(history.Select(h => h with
        {
            JobID = jobId,
            ExecutionID = executionIds.GetValueOrDefault(h.ExecutionID, h.ExecutionID),
            Time = h.Time + later,
        }));
    }
}

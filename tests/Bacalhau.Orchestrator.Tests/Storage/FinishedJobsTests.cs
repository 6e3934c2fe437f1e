using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Orchestrator.Storage;

namespace Bacalhau.Orchestrator.Tests.Storage;

public sealed class FinishedJobsTests
{
    private static Job Finished(string id, ulong revision) => new()
    {
        ID = id,
        Name = id,
        State = new State<JobStateType>(JobStateType.Completed),
        Revision = revision,
    };

    [Fact]
    public void The_oldest_job_leaves_first_once_the_bound_is_reached()
    {
        var finished = new FinishedJobs(2);
        finished.Add(Finished("j-1", 3));
        finished.Add(Finished("j-2", 3));
        finished.Add(Finished("j-3", 3));

        Assert.Null(finished.Find("j-1"));
        Assert.Equal("j-2", finished.Find("j-2")?.ID);
        Assert.Equal("j-3", finished.Find("j-3")?.ID);
    }

    [Fact]
    public void A_job_that_finishes_again_replaces_its_older_copy_and_keeps_its_place()
    {
        var finished = new FinishedJobs(2);
        finished.Add(Finished("j-1", 3));
        finished.Add(Finished("j-2", 3));
        finished.Add(Finished("j-1", 7));
        Assert.Equal(7UL, finished.Find("j-1")?.Revision);

        // Still the oldest entry: the next job pushes it out, not j-2.
        finished.Add(Finished("j-3", 3));
        Assert.Null(finished.Find("j-1"));
        Assert.NotNull(finished.Find("j-2"));
    }
}

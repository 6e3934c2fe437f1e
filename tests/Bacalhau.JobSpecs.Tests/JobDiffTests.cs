using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.JobSpecs.Tests;

public sealed class JobDiffTests
{
    [Fact]
    public void Specs_that_differ_only_in_what_the_orchestrator_keeps_have_no_diff()
    {
        var current = Prepared("name: etl\ncount: 2\nlabels: {a: '1', b: '2'}\ntasks:\n  - engine: {type: noop}\n    resources: {memory: 1Gb}\n") with
        {
            Version = 3,
            Revision = 9,
            CreateTime = 1,
            ModifyTime = 2,
            State = new State<JobStateType>(JobStateType.Completed),
        };
        current.Meta["bacalhau.org/requester"] = "x";
        var proposed = Prepared("name: etl\ncount: 2\nlabels: {b: '2', a: '1'}\ntasks:\n  - engine: {type: noop}\n    resources: {memory: 1gb}\n");

        Assert.Equal("", JobDiff.Between(current, proposed));
    }

    [Fact]
    public void A_changed_field_shows_as_the_old_line_removed_and_the_new_one_added_with_context()
    {
        var current = Prepared("name: etl\ncount: 2\ntasks:\n  - engine: {type: noop}\n");
        var proposed = Prepared("name: etl\ncount: 3\ntasks:\n  - engine: {type: noop}\n");

        var diff = JobDiff.Between(current, proposed).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(["-   \"Count\": 2,", "+   \"Count\": 3,"], diff.Where(l => l[0] != ' '));
        Assert.InRange(diff.Length, 4, 6);
    }

    private static Job Prepared(string yaml)
    {
        var job = JobSubmission.Prepare(JobSpecReader.Read(yaml), JobSubmission.NewJobId(), JobSubmission.DefaultMaxCount, out var errors);
        Assert.Empty(errors);
        return job;
    }
}

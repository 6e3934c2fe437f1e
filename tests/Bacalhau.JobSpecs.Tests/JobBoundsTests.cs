
namespace Bacalhau.JobSpecs.Tests;

/// <summary>Every part of a spec has an upper bound; an oversized one is reported alone, naming its field.</summary>
public sealed class JobBoundsTests
{
    [Fact]
    public void An_oversized_field_is_named_and_not_quoted_back()
    {
        var name = new string('n', 300);

        Assert.Equal(["Name: longer than 256 characters (got 300)"], Specs.Errors($"Name: {name}\nType: cron\nTasks: [{{Engine: {{Type: noop}}}}]"));
    }

    [Theory]
    [InlineData(70, "Labels: at most 64 entries, got 70")]
    [InlineData(64, null)]
    public void Maps_are_bounded_in_entries(int entries, string? error)
    {
        var labels = string.Join(", ", Enumerable.Range(0, entries).Select(i => $"k{i}: v"));

        var errors = Specs.Errors($"Labels: {{{labels}}}\nTasks: [{{Engine: {{Type: noop}}}}]");

        Assert.Equal(error is null ? [] : [error], errors);
    }

    [Fact]
    public void Strings_inside_engine_params_are_bounded_with_their_path()
    {
        var long_ = new string('x', (512 * 1024) + 1);

        var errors = Specs.Errors($"Tasks: [{{Engine: {{Type: docker, Params: {{Image: busybox, Entrypoint: [sh, '{long_}']}}}}}}]");

        Assert.Equal([$"Tasks[0].Engine.Params.Entrypoint[1]: longer than {512 * 1024} characters (got {(512 * 1024) + 1})"], errors);
    }

    [Fact]
    public void Count_is_bounded_by_the_orchestrators_limit()
    {
        var job = JobDefaults.Apply(JobSpecReader.Read("Count: 1001\nTasks: [{Engine: {Type: noop}}]") with { ID = Specs.JobId });

        Assert.Equal(["Count: at most 1000 executions per job are allowed here, got 1001"], JobValidator.Validate(job, maxCount: 1000));
        Assert.Empty(JobValidator.Validate(job, maxCount: 1001));
    }
}

using Bacalhau.Cli.Jobs;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Cli.Tests.Jobs;

public sealed class StatusLineTests
{
    private static readonly JobStatus Running = new(JobStateType.Running, ["node-a", "node-b"], TimeSpan.FromSeconds(75));

    [Fact]
    public void Shows_spinner_state_nodes_and_elapsed_time()
    {
        Assert.Equal("⠋ Running on node-a, node-b  1m15s", StatusLine.Render(Running, frame: 0, width: 80, colour: false));
    }

    [Fact]
    public void The_spinner_turns_with_the_frame_and_wraps_around()
    {
        var frames = Enumerable.Range(0, 11).Select(f => StatusLine.Render(Running, f, 80, colour: false)[0]).ToList();

        Assert.Equal(10, frames.Take(10).Distinct().Count());
        Assert.Equal(frames[0], frames[10]);
    }

    [Fact]
    public void The_node_list_gives_way_first_when_the_terminal_is_narrow()
    {
        var line = StatusLine.Render(Running, 0, width: 24, colour: false);

        Assert.Equal("⠋ Running on nod…  1m15s", line);
        Assert.Equal(24, line.Length);
    }

    [Fact]
    public void A_very_narrow_terminal_gets_the_line_cut_and_no_colour_codes()
    {
        var line = StatusLine.Render(Running, 0, width: 8, colour: true);

        Assert.Equal("⠋ Runni…", line);
        Assert.DoesNotContain('\u001b', line);
    }

    [Fact]
    public void No_nodes_yet_shows_state_and_time_only()
    {
        var queued = new JobStatus(JobStateType.Queued, [], TimeSpan.FromSeconds(3));

        Assert.Equal("⠙ Queued  3s", StatusLine.Render(queued, 1, 80, colour: false));
    }

    [Fact]
    public void Colour_paints_the_state_only_when_asked()
    {
        var completed = Running with { State = JobStateType.Completed };

        Assert.Equal("\u001b[32mCompleted\u001b[0m on node-a, node-b after 1m15s", StatusLine.RenderFinal(completed, colour: true));
        Assert.Equal("Completed on node-a, node-b after 1m15s", StatusLine.RenderFinal(completed, colour: false));
        Assert.Contains("\u001b[31mFailed\u001b[0m", StatusLine.Render(Running with { State = JobStateType.Failed }, 0, 80, colour: true), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(59.9, "59s")]
    [InlineData(60, "1m00s")]
    [InlineData(3599, "59m59s")]
    [InlineData(3723, "1h02m03s")]
    [InlineData(90000, "25h00m00s")]
    public void Elapsed_time_reads_as_hours_minutes_and_seconds(double seconds, string expected)
    {
        Assert.Equal(expected, StatusLine.Elapsed(TimeSpan.FromSeconds(seconds)));
    }
}

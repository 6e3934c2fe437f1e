using System.Globalization;
using Bacalhau.Cli.Output;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Cli.Jobs;

/// <summary>
/// The one line that shows a job's progress on a terminal: spinner, state, the nodes of its executions and the time
/// waited, fitted to the terminal's width (the node list gives way first, so that state and time stay readable).
/// </summary>
internal static class StatusLine
{
    private static readonly string[] Spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

    /// <summary>The line while waiting; <paramref name="frame"/> (from 0) turns the spinner.</summary>
    public static string Render(JobStatus status, int frame, int width, bool colour)
    {
        var spinner = Spinner[frame % Spinner.Length] + " ";
        var state = status.State.ToString();
        var elapsed = "  " + Elapsed(status.Elapsed);
        var room = width - spinner.Length - state.Length - elapsed.Length;
        if (room < 0)
        {
            // Too narrow for colour codes to be cut safely: plain text.
            return Formatting.Fit(spinner + state + elapsed, width);
        }

        return spinner + Ansi.Paint(state, Colour(status.State), colour) + Formatting.Fit(Nodes(status.Nodes), room) + elapsed;
    }

    /// <summary>The line left behind once waiting ends.</summary>
    public static string RenderFinal(JobStatus status, bool colour) =>
        Ansi.Paint(status.State.ToString(), Colour(status.State), colour) + Nodes(status.Nodes) + " after " + Elapsed(status.Elapsed);

    /// <summary>12s, 3m05s, 1h02m03s.</summary>
    public static string Elapsed(TimeSpan elapsed) => elapsed.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)elapsed.TotalHours}h{elapsed.Minutes:00}m{elapsed.Seconds:00}s")
        : elapsed.TotalMinutes >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{elapsed.Minutes}m{elapsed.Seconds:00}s")
            : string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, elapsed.Seconds)}s");

    private static string Nodes(IReadOnlyList<string> nodes) => nodes.Count == 0 ? "" : " on " + string.Join(", ", nodes);

    private static AnsiColour Colour(JobStateType state) => state switch
    {
        JobStateType.Completed => AnsiColour.Green,
        JobStateType.Failed => AnsiColour.Red,
        JobStateType.Running => AnsiColour.Cyan,
        _ => AnsiColour.Yellow,
    };
}

using System.Diagnostics;
using Bacalhau.Cli.Output;
using Bacalhau.Client;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Cli.Jobs;

/// <summary>
/// One status line on a terminal, redrawn in place as the job changes and as the spinner turns; a plain line is left
/// behind at the end.
/// </summary>
internal sealed class LiveJobProgress : IJobProgress
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly TextWriter _output;
    private readonly BacalhauClient _client;
    private readonly bool _colour;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _spinner;
    private JobStateType? _state;
    private IReadOnlyList<string> _nodes = [];
    private int _frame;

    public LiveJobProgress(TextWriter output, BacalhauClient client, bool colour)
    {
        _output = output;
        _client = client;
        _colour = colour;
        _spinner = SpinAsync();
    }

    public async Task ReportAsync(Job job, CancellationToken cancellationToken)
    {
        // The job names no nodes: its executions do, and each new job revision may have placed or moved one.
        var nodes = (await _client.ListExecutionsAsync(job.ID, cancellationToken)).Items
            .Where(e => e.ComputeState.StateType is not (ExecutionStateType.BidRejected or ExecutionStateType.AskForBidRejected) && e.NodeID.Length > 0)
            .Select(e => e.NodeID)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        lock (_lock)
        {
            _state = job.State.StateType;
            _nodes = nodes;
            Draw();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _spinner;
        _stop.Dispose();
        lock (_lock)
        {
            if (Status() is { } status)
            {
                _output.Write(Ansi.ClearLine + StatusLine.RenderFinal(status, _colour) + "\n");
            }
        }
    }

    private async Task SpinAsync()
    {
        using var timer = new PeriodicTimer(Tick);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                lock (_lock)
                {
                    _frame++;
                    Draw();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Waiting ended.
        }
    }

    private void Draw()
    {
        if (Status() is { } status)
        {
            // One column short of the width: a line that fills it would wrap on some terminals and break the redraw.
            _output.Write(Ansi.ClearLine + StatusLine.Render(status, _frame, Terminal.Width - 1, _colour));
            _output.Flush();
        }
    }

    private JobStatus? Status() => _state is { } state ? new JobStatus(state, _nodes, Stopwatch.GetElapsedTime(_started)) : null;
}

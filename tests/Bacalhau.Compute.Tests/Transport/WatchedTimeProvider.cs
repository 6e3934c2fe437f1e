using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Bacalhau.Compute.Tests.Transport;

/// <summary>
/// Fake time that reports every timer armed on it, so a test knows when the code under test is waiting (a retry
/// delay, a heartbeat period) and for how long, and moves time on only then.
/// </summary>
internal sealed class WatchedTimeProvider() : FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero))
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly Channel<TimeSpan> _armed = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _armed.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>The due time of the next timer armed.</summary>
    public async Task<TimeSpan> NextTimerAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        return await _armed.Reader.ReadAsync(timeout.Token);
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bacalhau.ServiceDefaults.Memory;

/// <summary>
/// Gives memory back to the system once a burst of work is over. The runtime collects only when threads allocate, so
/// a node that falls idle after a burst keeps the heap it grew to (freed large-object space stays committed, the shared
/// array pools keep their buffers) until the next burst. After a period with heavy allocation, the first quiet period
/// gets one compacting full collection; the array pools release a buffer only to a full collection that finds it unused
/// for a minute, so one more follows once the burst is that old. A busy node is never interrupted.
/// </summary>
internal sealed partial class IdleMemoryTrimmer(TimeProvider time, ILogger<IdleMemoryTrimmer> logger) : BackgroundService
{
    internal static readonly TimeSpan Period = TimeSpan.FromSeconds(15);

    // What a node allocates in one period when it does nothing but keep in touch stays well below Quiet; a burst of
    // requests or jobs goes far above Busy.
    internal const long Busy = 32L << 20;
    internal const long Quiet = 4L << 20;

    // The shared array pools drop a buffer at a full collection once it has been unused for 60 s.
    internal static readonly TimeSpan PoolStaleAfter = TimeSpan.FromSeconds(70);

    private long _lastAllocated = -1;
    private TimeSpan? _burstEndedAt;
    private int _collectionsLeft;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        var started = time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (ShouldCollect(GC.GetTotalAllocatedBytes(), time.GetElapsedTime(started)))
                {
                    Collect();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Takes the process's allocation counter at a tick; true when this tick should collect.</summary>
    internal bool ShouldCollect(long allocatedBytes, TimeSpan now)
    {
        var allocated = _lastAllocated < 0 ? 0 : allocatedBytes - _lastAllocated;
        _lastAllocated = allocatedBytes;
        if (allocated >= Busy)
        {
            _burstEndedAt = null;
            _collectionsLeft = 2;
            return false;
        }

        if (_collectionsLeft == 0 || allocated >= Quiet)
        {
            return false;
        }

        if (_burstEndedAt is null)
        {
            _burstEndedAt = now;
            _collectionsLeft--;
            return true;
        }

        if (now - _burstEndedAt.Value >= PoolStaleAfter)
        {
            _collectionsLeft--;
            return true;
        }

        return false;
    }

    private void Collect()
    {
        var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var after = GC.GetGCMemoryInfo().TotalCommittedBytes;
        LogTrimmed(logger, before >> 20, after >> 20);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Idle after a burst: heap memory committed went from {BeforeMiB} MiB to {AfterMiB} MiB")]
    private static partial void LogTrimmed(ILogger logger, long beforeMiB, long afterMiB);
}

namespace Bacalhau.Bench.Infrastructure;

/// <summary>
/// The highest resident set size a process reaches while this watches it: read from <c>/proc</c> every
/// <see cref="Interval"/> until disposed, so a peak shorter than that may be missed.
/// </summary>
internal sealed class PeakResidentMemory : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private long _peak;

    private PeakResidentMemory(int pid)
    {
        _pid = pid;
        Sample();
        _sampling = SampleAsync();
    }

    /// <summary>The highest RSS seen so far, in MB.</summary>
    public double PeakMegabytes => Interlocked.Read(ref _peak) / 1e6;

    public static PeakResidentMemory Watch(int pid) => new(pid);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Sample();
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed: the last sample stands.
        }
    }

    private void Sample()
    {
        try
        {
            var rss = ProcessStats.ResidentBytes(_pid);
            if (rss > Interlocked.Read(ref _peak))
            {
                Interlocked.Exchange(ref _peak, rss);
            }
        }
        catch (IOException)
        {
            // The process has exited; the scenario reports that itself.
        }
    }
}

namespace Bacalhau.FaultTests.Infrastructure;

/// <summary>Submits a noop job every <c>interval</c>, each without waiting for the last, until stopped.</summary>
internal sealed class SteadyLoad : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private SteadyLoad(JobLedger ledger, TimeSpan interval, double jobSeconds, CancellationToken cancellationToken) =>
        _loop = RunAsync(ledger, interval, jobSeconds, cancellationToken);

    public static SteadyLoad Start(JobLedger ledger, TimeSpan interval, double jobSeconds, CancellationToken cancellationToken) =>
        new(ledger, interval, jobSeconds, cancellationToken);

    /// <summary>Stops submitting and waits for the submissions under way to be answered (or time out).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task RunAsync(JobLedger ledger, TimeSpan interval, double jobSeconds, CancellationToken cancellationToken)
    {
        var submissions = new List<Task>();
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                submissions.Add(ledger.SubmitAsync(JobLedger.NoopJob("steady", jobSeconds), cancellationToken));
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped.
        }

        await Task.WhenAll(submissions);
    }
}

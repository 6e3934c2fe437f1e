namespace Bacalhau.Orchestrator.Storage;

/// <summary>
/// Requests waiting for a job to change (blocking queries, as Nomad's <c>?index=&amp;wait=</c>): all waiters of a job
/// share one signal, fired when a commit that touches the job is durable.
/// </summary>
internal sealed class JobWatchers
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Watch> _watches = new(StringComparer.Ordinal);

    /// <summary>
    /// Returns at the job's next durable change, at once if <paramref name="changed"/> already holds (checked after
    /// registering, so no change is missed), or when <paramref name="cancellationToken"/> fires; true when
    /// <paramref name="changed"/> held, so that what it read can be used as it is.
    /// </summary>
    public async Task<bool> NextChangeAsync(string jobId, Func<bool> changed, CancellationToken cancellationToken)
    {
        Watch watch;
        lock (_lock)
        {
            if (!_watches.TryGetValue(jobId, out watch!))
            {
                _watches[jobId] = watch = new Watch();
            }

            watch.Waiters++;
        }

        try
        {
            if (changed())
            {
                return true;
            }

            await watch.Changed.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The caller's wait is over; it answers with what it has.
        }
        finally
        {
            lock (_lock)
            {
                // The last waiter of a job that never changed cleans up, so that finished jobs leave nothing behind.
                if (--watch.Waiters == 0 && _watches.TryGetValue(jobId, out var current) && current == watch)
                {
                    _watches.Remove(jobId);
                }
            }
        }

        return false;
    }

    public void Notify(IEnumerable<string> jobIds)
    {
        lock (_lock)
        {
            foreach (var jobId in jobIds)
            {
                if (_watches.Remove(jobId, out var watch))
                {
                    watch.Changed.TrySetResult();
                }
            }
        }
    }

    private sealed class Watch
    {
        public TaskCompletionSource Changed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Waiters { get; set; }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Bacalhau.Client;
using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Bench.Jobs;

/// <summary>What a batch of jobs measured: jobs completed per second from the first submission to the last end.</summary>
internal sealed record JobBatchResult(double CompletedPerSecond, int Completed, int Failed, TimeSpan Elapsed);

/// <summary>
/// A batch as a batch scheduler's users submit one: <c>count</c> jobs put by <c>submitters</c> concurrent clients
/// that do not wait for them, then every job followed to its end.
/// </summary>
internal static class JobBatch
{
    public static async Task<JobBatchResult> RunAsync(BacalhauClient client, JsonElement spec, int count, int submitters, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var submitted = await SubmitAsync(count, submitters, () => client.PutJobAsync(spec, cancellationToken: cancellationToken));
        var pending = new ConcurrentQueue<PutJobResponse>(submitted);
        var failed = 0;
        await Task.WhenAll(Enumerable.Range(0, submitters).Select(_ => Task.Run(
            async () =>
            {
                while (pending.TryDequeue(out var job))
                {
                    if ((await JobLoad.FinishedAsync(client, job, cancellationToken)).State.StateType != JobStateType.Completed)
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
            },
            cancellationToken)));
        var elapsed = Stopwatch.GetElapsedTime(started);
        return new JobBatchResult((count - failed) / elapsed.TotalSeconds, count - failed, failed, elapsed);
    }

    /// <summary>Calls <paramref name="submit"/> <paramref name="count"/> times from <paramref name="submitters"/> loops at once; returns what each call returned.</summary>
    public static async Task<IReadOnlyCollection<T>> SubmitAsync<T>(int count, int submitters, Func<Task<T>> submit)
    {
        var results = new ConcurrentBag<T>();
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, submitters).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                results.Add(await submit());
            }
        })));
        return results;
    }
}

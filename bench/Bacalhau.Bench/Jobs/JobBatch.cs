using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Bacalhau.Client;
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
        var submitted = await SubmitAsync(count, submitters, async () => (await client.PutJobAsync(spec, cancellationToken: cancellationToken)).JobID);
        var pending = new ConcurrentQueue<string>(submitted);
        var failed = 0;
        await Task.WhenAll(Enumerable.Range(0, submitters).Select(_ => Task.Run(
            async () =>
            {
                while (pending.TryDequeue(out var id))
                {
                    if ((await JobLoad.FinishedAsync(client, id, cancellationToken)).State.StateType != JobStateType.Completed)
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
    public static async Task<IReadOnlyCollection<string>> SubmitAsync(int count, int submitters, Func<Task<string>> submit)
    {
        var results = new ConcurrentBag<string>();
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

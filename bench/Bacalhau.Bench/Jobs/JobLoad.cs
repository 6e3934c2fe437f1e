using System.Diagnostics;
using System.Text.Json;
using Bacalhau.Bench.Measurement;
using Bacalhau.Client;
using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Bench.Jobs;

/// <summary>What a closed-loop job load measured over its window.</summary>
/// <param name="JobsPerSecond">Jobs that reached Completed within the window, per second.</param>
/// <param name="Client">Submit (PUT) to the API reporting the job terminal, as a client sees it.</param>
/// <param name="Server">The job's create time to its Completed state in the orchestrator's own record.</param>
/// <param name="Completed">Jobs that reached Completed within the window.</param>
/// <param name="Failed">Jobs that ended otherwise within the window.</param>
internal sealed record JobLoadResult(double JobsPerSecond, Latencies Client, Latencies Server, int Completed, int Failed);

/// <summary>
/// Closed-loop load: <c>concurrency</c> clients each submit a job through the REST API, wait until the API reports it
/// terminal, and submit the next. Jobs that end during the warm-up are not counted.
/// </summary>
internal sealed class JobLoad(BacalhauClient client, JsonElement jobSpec)
{
    /// <summary>A batch job of one noop task: it does nothing, so all that is measured is the system's own work.</summary>
    public static JsonElement NoopJob { get; } = JsonDocument.Parse("""
        {"Type":"batch","Count":1,"Tasks":[{"Name":"main","Engine":{"Type":"noop"}}]}
        """).RootElement;

    public async Task<JobLoadResult> RunAsync(int concurrency, TimeSpan warmup, TimeSpan window, CancellationToken cancellationToken)
    {
        var clientLatencies = new Latencies();
        var serverLatencies = new Latencies();
        var completed = 0;
        var failed = 0;
        var started = Stopwatch.GetTimestamp();
        var measureFrom = started + Ticks(warmup);
        var measureTo = measureFrom + Ticks(window);

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < measureTo)
            {
                var submitted = Stopwatch.GetTimestamp();
                var response = await client.PutJobAsync(jobSpec, cancellationToken: cancellationToken);
                var job = await FinishedAsync(client, response, cancellationToken);
                var done = Stopwatch.GetTimestamp();
                if (done < measureFrom || done > measureTo)
                {
                    continue;
                }

                if (job.State.StateType != JobStateType.Completed)
                {
                    Interlocked.Increment(ref failed);
                    continue;
                }

                Interlocked.Increment(ref completed);
                if (submitted >= measureFrom)
                {
                    clientLatencies.Add(Stopwatch.GetElapsedTime(submitted, done));
                    serverLatencies.Add(TimeSpan.FromTicks((job.ModifyTime - job.CreateTime) / 100));
                }
            }
        }, cancellationToken)));

        return new JobLoadResult(completed / window.TotalSeconds, clientLatencies, serverLatencies, completed, failed);
    }

    /// <summary>The job once the API reports it terminal, followed with blocking queries from the revision its submission answered.</summary>
    public static Task<Job> FinishedAsync(BacalhauClient client, PutJobResponse submitted, CancellationToken cancellationToken) =>
        FinishedAsync(client, submitted.JobID, submitted.JobRevision, cancellationToken);

    /// <summary>The job once the API reports it terminal.</summary>
    public static Task<Job> FinishedAsync(BacalhauClient client, string jobId, CancellationToken cancellationToken) =>
        FinishedAsync(client, jobId, 0, cancellationToken);

    private static async Task<Job> FinishedAsync(BacalhauClient client, string jobId, ulong afterRevision, CancellationToken cancellationToken)
    {
        Job job = null!;
        await foreach (var next in client.FollowJobAsync(jobId, afterRevision, cancellationToken))
        {
            job = next;
        }

        return job;
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}

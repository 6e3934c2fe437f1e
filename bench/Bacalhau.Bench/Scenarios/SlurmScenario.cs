using System.Diagnostics;
using Bacalhau.Bench.Infrastructure;
using Bacalhau.Bench.Jobs;
using Bacalhau.Bench.Measurement;
using Bacalhau.Bench.Wasm;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.Bench.Scenarios;

/// <summary>
/// Scenario 8: Slurm beside us on the same machine in the same run. A one-node <c>slurm-wlm</c> cluster: sequential
/// <c>srun -n1 true</c> latency, and a batch of <c>sbatch --wrap=true</c> from 16 submitters until the last job has
/// left the queue. Then the same batch of noop jobs and of the conformance Wasm job through our REST API, on one
/// compute node, from 16 submitters. SKIP when Slurm is not installed.
/// </summary>
internal sealed class SlurmScenario : IScenario
{
    private const string Name = "8 slurm";
    private const int Submitters = 16;
    private static readonly TimeSpan BatchTimeout = TimeSpan.FromMinutes(15);

    public int Number => 8;

    public string Title => "beside Slurm (srun, sbatch)";

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        if (SlurmCluster.Unavailable() is { } reason)
        {
            return [Figure.Skip(Name, "srun -n1 true, p50", reason)];
        }

        var runs = settings.Count(20, 10);
        var batch = settings.Count(1000, 200);
        var batchName = $"{batch:N0} jobs, c={Submitters}: completed/s";
        Latencies srun;
        JobBatchResult sbatch;
        await using (var slurm = await SlurmCluster.StartAsync(cancellationToken))
        {
            BenchSettings.Progress($"scenario 8: srun -n1 true, {runs} times");
            srun = (await CommandTimer.TimeAsync(SlurmCluster.PathOf("srun"), ["-n1", "true"], slurm.Environment, runs, cancellationToken))!;
            BenchSettings.Progress($"scenario 8: {batch} sbatch --wrap=true from {Submitters} submitters");
            sbatch = await SbatchAsync(slurm, batch, cancellationToken);
        }

        await using var nats = await NatsServer.StartAsync(cancellationToken);
        await using var cluster = await BacalhauCluster.StartAsync(nats, 1, cancellationToken);
        BenchSettings.Progress($"scenario 8: {batch} noop jobs from {Submitters} submitters");
        var noop = await JobBatch.RunAsync(cluster.Client, JobLoad.NoopJob, batch, Submitters, cancellationToken);
        BenchSettings.Progress($"scenario 8: {batch} wasm jobs from {Submitters} submitters");
        var wasm = await JobBatch.RunAsync(cluster.Client, ConformanceModule.Job, batch, Submitters, cancellationToken);

        const string Sbatch = "sbatch --wrap=true";
        return
        [
            new() { Scenario = Name, Name = "srun -n1 true, p50", Value = srun.P50, Unit = "ms", Note = $"{runs} runs one after the other" },
            new() { Scenario = Name, Name = "srun -n1 true, p99", Value = srun.P99, Unit = "ms" },
            Rate($"{Sbatch}, {batchName}", sbatch, null),
            Rate($"noop (REST API), {batchName}", noop, sbatch),
            Rate($"wasm conformance module (REST API), {batchName}", wasm, sbatch),
        ];

        static Figure Rate(string name, JobBatchResult result, JobBatchResult? slurm) => new()
        {
            Scenario = Name,
            Name = name,
            Value = result.CompletedPerSecond,
            Unit = "jobs/s",
            Baseline = slurm?.CompletedPerSecond,
            BaselineName = slurm is null ? null : Sbatch,
            Note = $"first submission to the last end: {result.Elapsed.TotalSeconds:F1} s" + (result.Failed > 0 ? $"; {result.Failed} did not complete" : ""),
        };
    }

    /// <summary>Submits the batch and waits until Slurm's queue is empty again.</summary>
    private static async Task<JobBatchResult> SbatchAsync(SlurmCluster slurm, int count, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await JobBatch.SubmitAsync(count, Submitters, () =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Without --output each job writes slurm-<id>.out into the current directory.
            return slurm.RunAsync("sbatch", "--output=/dev/null", "--wrap=true");
        });
        await Eventually.WaitAsync(
            async () =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                return (await slurm.RunAsync("squeue", "-h", "-o", "%i")).Trim().Length == 0 ? "empty" : null;
            },
            BatchTimeout,
            "Slurm's queue to empty");
        var elapsed = Stopwatch.GetElapsedTime(started);
        return new JobBatchResult(count / elapsed.TotalSeconds, count, 0, elapsed);
    }
}

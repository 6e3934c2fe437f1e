using System.Diagnostics;
using System.Globalization;
using Bacalhau.Bench.Infrastructure;
using Bacalhau.Bench.Measurement;
using Bacalhau.Bench.Wasm;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.Bench.Scenarios;

/// <summary>
/// Scenario 7: <c>bacalhau wasm run</c> of the conformance module (the published CLI, waiting for the job and
/// printing its output) on one compute node, against the same module run by Wasmtime in this process as
/// <c>wasmtime run</c> would (compile, instantiate, run). The first job compiles the module on the node; later ones
/// find it compiled.
/// </summary>
internal sealed class WasmScenario : IScenario
{
    private const string Name = "7 wasm job";
    private const string Figure = "bacalhau wasm run, module cached, median";
    private const string BaselineName = "Wasmtime in-process: compile + run";

    public int Number => 7;

    public string Title => "Wasm job overhead";

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var runs = settings.Count(20, 5);
        BenchSettings.Progress($"scenario 7: the conformance module in-process, {runs} times");
        var (fresh, compiled) = MeasureInProcess(runs, cancellationToken);

        await using var nats = await NatsServer.StartAsync(cancellationToken);
        await using var cluster = await BacalhauCluster.StartAsync(nats, 1, cancellationToken);
        var directory = Directory.CreateTempSubdirectory("bacalhau-bench-cli-").FullName;
        try
        {
            var environment = new Dictionary<string, string> { ["BACALHAU_DIR"] = directory };
            string[] command = ["--api-host", cluster.ApiBase.Host, "--api-port", cluster.ApiBase.Port.ToString(CultureInfo.InvariantCulture), "wasm", "run", ConformanceModule.WriteTo(directory)];
            BenchSettings.Progress("scenario 7: bacalhau wasm run, first job (the node compiles the module)");
            var started = Stopwatch.GetTimestamp();
            var output = await CommandTimer.RunAsync(RepositoryPaths.PublishedCli, command, environment);
            var first = Stopwatch.GetElapsedTime(started);
            if (output is null)
            {
                return [Measurement.Figure.Skip(Name, Figure, "no published CLI: dotnet publish src/Bacalhau.Cli -c Release (scripts/bench.sh does)")];
            }

            if (!output.Contains(ConformanceModule.Greeting, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"bacalhau wasm run printed no greeting:\n{output}");
            }

            BenchSettings.Progress($"scenario 7: bacalhau wasm run, {runs} times");
            var cached = (await CommandTimer.TimeAsync(RepositoryPaths.PublishedCli, command, environment, runs, cancellationToken))!;
            // The same way through the system without the module: what is left of the difference is the module's.
            var noopJob = Path.Combine(directory, "noop.json");
            await File.WriteAllTextAsync(noopJob, Jobs.JobLoad.NoopJob.GetRawText(), cancellationToken);
            BenchSettings.Progress($"scenario 7: bacalhau job run of a noop job, {runs} times");
            var noop = (await CommandTimer.TimeAsync(RepositoryPaths.PublishedCli, [.. command[..4], "job", "run", noopJob], environment, runs, cancellationToken))!;
            return
            [
                new() { Scenario = Name, Name = Figure, Value = cached.P50, Unit = "ms", Baseline = fresh.P50, BaselineName = $"{BaselineName}, median", Target = Target.RatioAtMost(1.3) },
                new()
                {
                    Scenario = Name, Name = "bacalhau wasm run, first (the node compiles)", Value = first.TotalMilliseconds, Unit = "ms", Baseline = fresh.P50, BaselineName = $"{BaselineName}, median",
                    Note = "one run, the CLI's first start included",
                },
                new() { Scenario = Name, Name = "bacalhau job run of a noop job, median", Value = noop.P50, Unit = "ms", Baseline = fresh.P50, BaselineName = $"{BaselineName}, median" },
                new() { Scenario = Name, Name = "Wasmtime in-process: run of the compiled module, median", Value = compiled.P50, Unit = "ms", Baseline = fresh.P50, BaselineName = $"{BaselineName}, median" },
            ];
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Medians of a fresh run (compile included) and of a run of the module compiled once, after a warm-up of each.</summary>
    private static (Latencies Fresh, Latencies Compiled) MeasureInProcess(int runs, CancellationToken cancellationToken)
    {
        using var wasmtime = new InProcessWasmtime();
        var fresh = new Latencies();
        for (var i = -1; i < runs; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = Stopwatch.GetTimestamp();
            using (var module = wasmtime.Compile(ConformanceModule.Bytes))
            {
                Expect(wasmtime.Run(module));
            }

            if (i >= 0)
            {
                fresh.Add(Stopwatch.GetElapsedTime(started));
            }
        }

        var compiled = new Latencies();
        using var once = wasmtime.Compile(ConformanceModule.Bytes);
        for (var i = -1; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            Expect(wasmtime.Run(once));
            if (i >= 0)
            {
                compiled.Add(Stopwatch.GetElapsedTime(started));
            }
        }

        return (fresh, compiled);
    }

    private static void Expect(string stdout)
    {
        if (!stdout.Contains(ConformanceModule.Greeting, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the conformance module printed no greeting in-process: '{stdout}'");
        }
    }
}

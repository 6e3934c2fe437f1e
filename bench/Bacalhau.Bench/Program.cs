using System.Runtime.InteropServices;
using Bacalhau.Bench;
using Bacalhau.Bench.Measurement;
using Bacalhau.Bench.Scenarios;

IScenario[] all = [new NatsScenario(), new NoopJobsScenario(), new MembershipScenario(), new DockerScenario(), new JobStoreScenario(), new ReplicatedOrchestratorsScenario(),
    new WasmScenario(), new SlurmScenario(), new ColdStartScenario(), new BatchJobScenario(), new GrowthCurvesScenario()];

if (BenchOptions.Parse(args, all.Select(s => s.Number)) is not { } options)
{
    return 2;
}

if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage(all.Select(s => $"{s.Number}  {s.Title}")));
    return 0;
}

using var cancellation = new CancellationTokenSource();
// Ctrl+C or SIGTERM stops the run; every process a scenario started is then stopped by its PID as the scenario unwinds.
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    cancellation.Cancel();
}

using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

var settings = new BenchSettings(options.Quick);
var startedAt = DateTimeOffset.UtcNow;
var clock = System.Diagnostics.Stopwatch.StartNew();
var figures = new List<Figure>();
foreach (var scenario in all.Where(s => options.Scenarios.Contains(s.Number)))
{
    BenchSettings.Progress($"scenario {scenario.Number}: {scenario.Title}");
    try
    {
        figures.AddRange(await scenario.RunAsync(settings, cancellation.Token));
    }
    catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
    {
        Console.Error.WriteLine("interrupted: every process the benchmark started has been stopped");
        return 130;
    }
    catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException or HttpRequestException or Bacalhau.Client.BacalhauApiException or Bacalhau.Client.OrchestratorUnreachableException)
    {
        // One broken scenario must not hide the figures of the others.
        figures.Add(Figure.Skip($"{scenario.Number} {scenario.Title}", "scenario", $"failed: {ex.Message}"));
    }
}

Console.WriteLine(ResultTable.Format(figures));
var report = new BenchReport(startedAt, clock.Elapsed, options.Quick, options.Scenarios, Environment.ProcessorCount, System.Runtime.InteropServices.RuntimeInformation.OSDescription, figures);
var path = await ResultFile.WriteAsync(options.ResultsDirectory, report, CancellationToken.None);
Console.WriteLine($"Figures written to {path} in {report.Duration.TotalMinutes:F1} min");
return 0;

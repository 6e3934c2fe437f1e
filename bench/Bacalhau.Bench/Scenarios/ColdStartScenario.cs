using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Bacalhau.Bench.ColdStart;
using Bacalhau.Bench.Infrastructure;
using Bacalhau.Bench.Measurement;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.Bench.Scenarios;

/// <summary>
/// Scenario 9: cold starts. The local cluster as <c>./scripts/cluster.sh</c> starts it: the already built AppHost
/// (NATS, an orchestrator and 3 compute nodes under DCP, with the dashboard) until 3 compute nodes are CONNECTED;
/// launched directly rather than through <c>dotnet run</c>, whose build check would rebuild whenever another build
/// touched the projects and is not the system's. Then <c>bacalhau serve --orchestrator --compute</c> (the published
/// CLI) until its first noop job has completed. Every start gets fresh data, ports of its own and a new NATS token.
/// </summary>
internal sealed class ColdStartScenario : IScenario
{
    private const string Name = "9 cold start";
    private const int ComputeNodes = 3;
    private static readonly TimeSpan StopTimeout = TimeSpan.FromMinutes(1);

    public int Number => 9;

    public string Title => "cold start (cluster.sh, serve)";

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var runs = settings.Count(3, 1);
        var figures = new List<Figure>();
        var appHost = Path.Combine(Path.GetDirectoryName(RepositoryPaths.AppHostProject)!, "bin", "Debug", "net10.0", "Bacalhau.AppHost.dll");
        if (!File.Exists(appHost))
        {
            figures.Add(Figure.Skip(Name, "cluster.sh to 3 CONNECTED nodes", "the AppHost is not built: ./scripts/cluster.sh (or dotnet build src/Bacalhau.AppHost) builds it"));
        }
        else
        {
            BenchSettings.Progress($"scenario 9: the AppHost as cluster.sh runs it, to {ComputeNodes} CONNECTED nodes, {runs} time(s)");
            var cluster = await RepeatAsync(runs, () => AppHostAsync(appHost, cancellationToken));
            figures.Add(new()
            {
                Scenario = Name, Name = $"AppHost (cluster.sh) to {ComputeNodes} CONNECTED nodes, median", Value = cluster.Connected.P50, Unit = "ms", Target = Target.AtMost(10_000),
                Note = $"{cluster.Launches}; its API answered at {cluster.Api.P50:F0} ms; cluster.sh's `dotnet run` adds its build check before this",
            });
        }

        BenchSettings.Progress($"scenario 9: bacalhau serve --orchestrator --compute to its first completed job, {runs} time(s)");
        try
        {
            var serve = await RepeatAsync(runs, () => ServeAsync(cancellationToken));
            figures.Add(new()
            {
                Scenario = Name, Name = "serve --orchestrator --compute to the first completed job, median", Value = serve.Job.P50, Unit = "ms", Target = Target.AtMost(3_000),
                Note = $"its API answered at {serve.Api.P50:F0} ms, its compute node was CONNECTED at {serve.Connected.P50:F0} ms",
            });
        }
        catch (System.ComponentModel.Win32Exception)
        {
            figures.Add(Figure.Skip(Name, "serve to the first completed job", "no published CLI: dotnet publish src/Bacalhau.Cli -c Release (scripts/bench.sh does)"));
        }

        return figures;
    }

    private static async Task<(Latencies Api, Latencies Connected, Latencies Job, string Launches)> RepeatAsync(int runs, Func<Task<StartupPhases>> start)
    {
        var (api, connected, job) = (new Latencies(), new Latencies(), new Latencies());
        var launches = new Dictionary<string, (Latencies StartedAt, Latencies Cpu)>();
        for (var i = 0; i < runs; i++)
        {
            var phases = await start();
            api.Add(TimeSpan.FromMilliseconds(phases.ApiAnswers));
            connected.Add(TimeSpan.FromMilliseconds(phases.NodesConnected));
            if (phases.FirstJobCompleted is { } completed)
            {
                job.Add(TimeSpan.FromMilliseconds(completed));
            }

            foreach (var launch in phases.Launches)
            {
                var (startedAt, cpu) = launches.TryGetValue(launch.Name, out var kind) ? kind : launches[launch.Name] = (new Latencies(), new Latencies());
                startedAt.Add(TimeSpan.FromMilliseconds(launch.StartedAt));
                cpu.Add(launch.Cpu);
            }
        }

        // Medians: by when the last process of each kind had started, and the CPU that kind used until the cluster was up.
        var breakdown = string.Join(", ", launches.Select(l => $"{l.Key} started at {l.Value.StartedAt.P50:F0} ms ({l.Value.Cpu.P50 / 1000:F1} CPU-s)"));
        return (api, connected, job, breakdown);
    }

    private static async Task<StartupPhases> AppHostAsync(string appHost, CancellationToken cancellationToken)
    {
        var dataDir = Directory.CreateTempSubdirectory("bacalhau-bench-apphost-").FullName;
        var api = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        // The launch profile's settings, on ports of this run (cluster.sh's fixed ones may be taken).
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            // Given, so that the AppHost neither generates nor keeps one in the user's secrets.
            ["Parameters__nats-token"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)),
        };
        string[] arguments = [appHost, $"--Cluster:ApiPort={api.Port.ToString(CultureInfo.InvariantCulture)}", $"--Cluster:DataDir={dataDir}", $"--Cluster:ComputeReplicas={ComputeNodes}"];
        return await StartAsync("dotnet", arguments, environment, api, ComputeNodes, runJob: false, dataDir, cancellationToken);
    }

    private static Task<StartupPhases> ServeAsync(CancellationToken cancellationToken)
    {
        var dataDir = Directory.CreateTempSubdirectory("bacalhau-bench-serve-").FullName;
        var api = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        string[] arguments = ["serve", "--orchestrator", "--compute", "--host", "127.0.0.1", "--api-port", api.Port.ToString(CultureInfo.InvariantCulture), "--port", FreePort.Next().ToString(CultureInfo.InvariantCulture)];
        return StartAsync(RepositoryPaths.PublishedCli, arguments, new Dictionary<string, string> { ["BACALHAU_DIR"] = dataDir }, api, 1, runJob: true, dataDir, cancellationToken);
    }

    /// <summary>Launches, follows the start, then stops the process and everything it started, each by its PID.</summary>
    private static async Task<StartupPhases> StartAsync(string program, string[] arguments, Dictionary<string, string> environment, Uri api, int computeNodes, bool runJob, string dataDir, CancellationToken cancellationToken)
    {
        try
        {
            var launchedAt = Stopwatch.GetTimestamp();
            await using var process = ChildProcess.Start(program, arguments, environment);
            try
            {
                return await StartupTimeline.FollowAsync(process, launchedAt, api, computeNodes, runJob, cancellationToken) with { Launches = LaunchPhases.Read(process.Id) };
            }
            finally
            {
                var started = ProcessTree.Descendants(process.Id);
                await process.StopAsync(StopTimeout);
                ProcessTree.KillSurvivors(started);
            }
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}

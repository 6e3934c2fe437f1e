using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Bacalhau.Identity.Nodes;

namespace Bacalhau.Cli.Tests.Infrastructure;

/// <summary>
/// Nodes started with <c>bacalhau serve</c> on free loopback ports, each with its own temporary data directory;
/// disposing stops them all (gracefully, else by PID) and removes the directories.
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly List<CliProcess> _processes = [];
    private readonly List<string> _directories = [];

    /// <summary>Set in the environment of every node this cluster starts (an S3 store's credentials and address).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public string NewDataDir()
    {
        var dir = Directory.CreateTempSubdirectory("bacalhau-cli-it-").FullName;
        _directories.Add(dir);
        return dir;
    }

    public CliProcess Serve(string dataDir, params string[] args) => Serve(dataDir, new Dictionary<string, string>(), args);

    /// <summary>A <c>bacalhau serve</c> with <paramref name="environment"/> on top of the usual (a PATH of its own).</summary>
    public CliProcess Serve(string dataDir, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var process = CliProcess.Start(dataDir, null, Environment.Concat(environment.Where(e => !Environment.ContainsKey(e.Key))).ToDictionary(), ["serve", .. args]);
        _processes.Add(process);
        return process;
    }

    /// <summary>A hybrid node on free loopback ports, once its compute node is CONNECTED; returns its API port.</summary>
    public Task<int> StartHybridAsync(string dataDir, params string[] extra) => StartHybridAsync(dataDir, new Dictionary<string, string>(), extra);

    /// <inheritdoc cref="StartHybridAsync(string, string[])"/>
    public async Task<int> StartHybridAsync(string dataDir, IReadOnlyDictionary<string, string> environment, params string[] extra)
    {
        var apiPort = FreePort();
        var node = Serve(dataDir, environment, ["--orchestrator", "--compute", "--api-port", $"{apiPort}", "--host", "127.0.0.1",
            "--port", $"{FreePort()}", "--Orchestrator.Host=127.0.0.1", .. extra]);
        await WaitForConnectedComputeNodesAsync(dataDir, apiPort, 1, node);
        return apiPort;
    }

    /// <summary>An orchestrator with its own nats-server; returns its data dir, API port and NATS port once it answers.</summary>
    public async Task<(string DataDir, int ApiPort, int NatsPort)> StartOrchestratorAsync(params string[] extra)
    {
        var dataDir = NewDataDir();
        var (apiPort, natsPort) = (FreePort(), FreePort());
        await StartOrchestratorAsync(dataDir, apiPort, natsPort, extra);
        return (dataDir, apiPort, natsPort);
    }

    /// <summary>An orchestrator on <paramref name="dataDir"/> (a restart when it was used before); returns once it answers.</summary>
    public async Task<CliProcess> StartOrchestratorAsync(string dataDir, int apiPort, int natsPort, params string[] extra)
    {
        var process = Serve(dataDir, ["--orchestrator", "--api-port", $"{apiPort}", "--host", "127.0.0.1", "--port", $"{natsPort}", "--Orchestrator.Host=127.0.0.1", .. extra]);
        await WaitUntilAsync(async () => (await CliProcess.RunAsync(dataDir, "agent", "alive", "--api-port", $"{apiPort}")).ExitCode == 0, process, "the orchestrator to answer");
        return process;
    }

    /// <summary>Waits until <c>node list</c> shows <paramref name="count"/> compute nodes, all CONNECTED; returns their IDs.</summary>
    public static async Task<IReadOnlyList<string>> WaitForConnectedComputeNodesAsync(string dataDir, int apiPort, int count, CliProcess watched)
    {
        IReadOnlyList<string> ids = [];
        await WaitUntilAsync(
            async () =>
            {
                var result = await CliProcess.RunAsync(dataDir, "node", "list", "--output", "json", "--api-port", $"{apiPort}");
                if (result.ExitCode != 0)
                {
                    return false;
                }

                using var nodes = JsonDocument.Parse(result.Stdout);
                var compute = nodes.RootElement.EnumerateArray()
                    .Where(n => n.GetProperty("Info").GetProperty("NodeType").GetString() == "Compute")
                    .ToList();
                ids = [.. compute.Select(n => n.GetProperty("Info").GetProperty("NodeID").GetString()!)];
                return compute.Count == count && compute.All(n => n.GetProperty("ConnectionState").GetProperty("Status").GetString() == "CONNECTED");
            },
            watched,
            $"{count} CONNECTED compute node(s)");
        return ids;
    }

    public static string ComputeNodeId(string dataDir) => SystemMetadata.Load(Path.Combine(dataDir, "compute")).NodeId!;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        // Compute nodes first, so that they say goodbye to a live orchestrator.
        foreach (var process in Enumerable.Reverse(_processes))
        {
            await process.StopAsync(TimeSpan.FromSeconds(15));
            await process.DisposeAsync();
        }

        foreach (var dir in _directories)
        {
            KillEmbeddedNatsServers(dir);
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// An embedded nats-server whose `bacalhau serve` did not stop it (a crash, a failed start) must not outlive the
    /// test: found by its store directory under <paramref name="dataDir"/>, stopped by its PID.
    /// </summary>
    private static void KillEmbeddedNatsServers(string dataDir)
    {
        foreach (var pid in EmbeddedNatsServerPids(dataDir))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // Gone meanwhile.
            }
        }
    }

    /// <summary>The PIDs of running nats-server processes whose command line names <paramref name="dataDir"/>.</summary>
    public static IReadOnlyList<int> EmbeddedNatsServerPids(string dataDir)
    {
        var pids = new List<int>();
        foreach (var process in Process.GetProcessesByName("nats-server"))
        {
            using (process)
            {
                var proc = Path.Combine("/proc", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                try
                {
                    // A zombie (killed, not yet reaped by whoever inherited it) has an empty command line and holds no port.
                    if (File.ReadAllText(Path.Combine(proc, "cmdline")).Contains(dataDir, StringComparison.Ordinal))
                    {
                        pids.Add(process.Id);
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Gone meanwhile.
                }
            }
        }

        return pids;
    }

    /// <summary>Waits for <paramref name="condition"/>, failing at once when <paramref name="watched"/> (if any) exits.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, CliProcess? watched, string what)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        while (!await condition())
        {
            if (watched is { HasExited: true })
            {
                throw new InvalidOperationException($"the node exited while waiting for {what}:\n{watched.Stdout}\n{watched.Stderr}");
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(300), timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"timed out after {StartTimeout.TotalSeconds:F0} s waiting for {what}:\n{watched?.Stdout}\n{watched?.Stderr}");
            }
        }
    }
}

using System.Runtime.InteropServices;
using Bacalhau.Bench.Infrastructure;
using Bacalhau.Client;
using Bacalhau.Contracts.Models;
using Bacalhau.IntegrationTests.Infrastructure;
using NATS.Client.Core;

namespace Bacalhau.FaultTests.Infrastructure;

/// <summary>
/// A cluster as separate processes on loopback, each of which a case can crash, restart or pause: a private
/// <c>nats-server</c> with a token, the built orchestrator and compute nodes, each on a data directory of its own
/// that outlives its process. Heartbeats are fast (1 s) and the disconnect timeout short, so that a lost node is
/// noticed within seconds. Every process is stopped by PID and every directory removed when disposed.
/// </summary>
internal sealed partial class FaultCluster : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private const int SigStop = 19;
    private const int SigCont = 18;

    private readonly List<string> _directories = [];
    private readonly ChildProcess?[] _computeNodes;
    private readonly string[] _computeDirs;
    private ChildProcess? _orchestrator;

    private readonly TimeSpan _disconnectTimeout;

    private FaultCluster(NatsServer nats, int computeNodes, string? orchestratorDataDir, TimeSpan disconnectTimeout)
    {
        Nats = nats;
        _disconnectTimeout = disconnectTimeout;
        ApiBase = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        Client = BacalhauClient.Create(ApiBase, TimeSpan.FromSeconds(30));
        OrchestratorDataDir = orchestratorDataDir ?? NewDataDir();
        _computeNodes = new ChildProcess?[computeNodes];
        _computeDirs = [.. Enumerable.Range(0, computeNodes).Select(_ => NewDataDir())];
    }

    public NatsServer Nats { get; }

    public Uri ApiBase { get; }

    public BacalhauClient Client { get; }

    public string OrchestratorDataDir { get; }

    public IReadOnlyList<string> ComputeDataDirs => _computeDirs;

    /// <summary>
    /// Starts NATS, the orchestrator (on <paramref name="orchestratorDataDir"/> when given, else a temporary one) and
    /// <paramref name="computeNodes"/> compute nodes, and waits until they are all connected. A node silent for
    /// <paramref name="disconnectTimeout"/> (default 5 s) is lost and its executions rescheduled.
    /// </summary>
    public static async Task<FaultCluster> StartAsync(int computeNodes, CancellationToken cancellationToken, string? orchestratorDataDir = null, TimeSpan? disconnectTimeout = null)
    {
        var nats = await NatsServer.StartAsync(cancellationToken);
        var cluster = new FaultCluster(nats, computeNodes, orchestratorDataDir, disconnectTimeout ?? TimeSpan.FromSeconds(5));
        try
        {
            await cluster.StartOrchestratorAsync(cancellationToken);
            for (var i = 0; i < computeNodes; i++)
            {
                cluster.StartComputeNode(i);
            }

            await cluster.WaitForConnectedComputeNodesAsync(computeNodes, cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the orchestrator on its data directory (again, after a kill) and waits until its API answers.</summary>
    public async Task StartOrchestratorAsync(CancellationToken cancellationToken)
    {
        var environment = Environment(OrchestratorDataDir);
        environment["Orchestrator__Auth__Token"] = Nats.Token;
        environment["Orchestrator__Auth__NatsAccountSeedFile"] = Nats.AccountSeedFile;
        environment["Orchestrator__NodeManager__DisconnectTimeout"] = _disconnectTimeout.ToString();
        environment["ASPNETCORE_URLS"] = ApiBase.ToString();
        _orchestrator = ChildProcess.Start("dotnet", [RepositoryPaths.OrchestratorAssembly], environment);
        await WaitUntilAsync(
            async () =>
            {
                try
                {
                    await Client.AliveAsync(cancellationToken);
                    return true;
                }
                catch (Exception ex) when (ex is OrchestratorUnreachableException or BacalhauApiException or TaskCanceledException)
                {
                    return false;
                }
            },
            "the orchestrator's API to answer",
            cancellationToken);
    }

    /// <summary>kill -9 of the orchestrator: no goodbye, no flush.</summary>
    public async Task KillOrchestratorAsync()
    {
        if (_orchestrator is { } orchestrator)
        {
            await KillAsync(orchestrator);
            _orchestrator = null;
        }
    }

    /// <summary>Starts compute node <paramref name="index"/> on its data directory (again, after a kill).</summary>
    public void StartComputeNode(int index)
    {
        var environment = Environment(_computeDirs[index]);
        environment["Compute__Auth__Token"] = Nats.Token;
        environment["Compute__Heartbeat__Interval"] = "00:00:01";
        environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        _computeNodes[index] = ChildProcess.Start("dotnet", [RepositoryPaths.ComputeAssembly], environment);
    }

    public async Task KillComputeNodeAsync(int index)
    {
        if (_computeNodes[index] is { } node)
        {
            await KillAsync(node);
            _computeNodes[index] = null;
        }
    }

    /// <summary>SIGSTOP: nats-server keeps its sockets open but answers nothing, as a hung or swapped-out server would.</summary>
    public void PauseNats() => Signal(Nats.Pid, SigStop);

    public void ResumeNats() => Signal(Nats.Pid, SigCont);

    /// <summary>SIGSTOP of compute node <paramref name="index"/>: its connections stay open, it reads and answers nothing.</summary>
    public void PauseComputeNode(int index) => Signal(_computeNodes[index]!.Id, SigStop);

    public void ResumeComputeNode(int index) => Signal(_computeNodes[index]!.Id, SigCont);

    /// <summary>A raw client holding the cluster token, as a hostile or broken client would have.</summary>
    public Task<NatsConnection> ConnectRawAsync() => Nats.ConnectAsync("fault-injector");

    public async Task WaitForConnectedComputeNodesAsync(int count, CancellationToken cancellationToken) =>
        await WaitUntilAsync(
            async () =>
            {
                var nodes = await Client.ListNodesAsync(cancellationToken);
                return nodes.Nodes.Count(n => n.Info.NodeType == NodeType.Compute && n.ConnectionState.Status == NodeConnectionStatus.Connected) >= count;
            },
            $"{count} compute node(s) to connect",
            cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _computeNodes.OfType<ChildProcess>())
        {
            // A node a failed case left paused would not stop on SIGTERM; one that has exited needs nothing.
            _ = SendSignal(node.Id, SigCont);
            await node.DisposeAsync();
        }

        if (_orchestrator is not null)
        {
            await _orchestrator.DisposeAsync();
        }

        // A paused server would not stop on SIGTERM.
        ResumeNats();
        await Nats.DisposeAsync();
        foreach (var directory in _directories)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task KillAsync(ChildProcess process)
    {
        process.Kill();
        await process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await process.DisposeAsync();
    }

    private static void Signal(int pid, int signal)
    {
        if (SendSignal(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private Dictionary<string, string> Environment(string dataDir) => new()
    {
        ["ConnectionStrings__nats"] = Nats.Url,
        ["BACALHAU_DIR"] = dataDir,
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["Logging__LogLevel__Default"] = "Warning",
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "",
    };

    private string NewDataDir()
    {
        var directory = Directory.CreateTempSubdirectory("bacalhau-faults-").FullName;
        _directories.Add(directory);
        return directory;
    }

    private async Task WaitUntilAsync(Func<Task<bool>> condition, string what, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        while (!await condition())
        {
            if (_orchestrator is { HasExited: true } || _computeNodes.Any(n => n is { HasExited: true }))
            {
                var exited = _orchestrator is { HasExited: true } ? _orchestrator : _computeNodes.First(n => n is { HasExited: true })!;
                throw new InvalidOperationException($"a service exited while waiting for {what}:\n{exited.Output}");
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"timed out after {StartTimeout.TotalSeconds:F0} s waiting for {what}");
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}

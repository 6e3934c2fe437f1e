using Bacalhau.Client;
using Bacalhau.Contracts.Models;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.Bench.Infrastructure;

/// <summary>
/// The built orchestrator and compute executables as processes on loopback, each with its own temporary data
/// directory that outlives its process, joined through <see cref="NatsServer"/>. OTLP export is off and services log
/// warnings only, so that figures measure the system rather than its telemetry pipeline. The benchmark runs it, and
/// the fault suite (which links this file) crashes, restarts and pauses its processes. Every process is stopped by
/// PID and every directory it made removed when disposed.
/// </summary>
internal sealed class BacalhauCluster : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    private readonly List<ChildProcess?> _computeNodes = [];
    private readonly List<string> _computeDirs = [];
    private readonly List<string> _directories = [];
    private readonly NatsServer _nats;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private ChildProcess? _orchestrator;

    private BacalhauCluster(NatsServer nats, IReadOnlyDictionary<string, string> settings, string? orchestratorDataDir)
    {
        _nats = nats;
        _settings = settings;
        ApiBase = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        Client = BacalhauClient.Create(ApiBase, TimeSpan.FromMinutes(1));
        OrchestratorDataDir = orchestratorDataDir ?? NewDataDir();
    }

    public Uri ApiBase { get; }

    public BacalhauClient Client { get; }

    /// <summary>The orchestrator's data directory: a temporary one unless the caller gave one (then never removed).</summary>
    public string OrchestratorDataDir { get; }

    public IReadOnlyList<string> ComputeDataDirs => _computeDirs;

    public int OrchestratorPid => _orchestrator?.Id ?? throw new InvalidOperationException("the orchestrator is not running");

    /// <summary>
    /// Starts an orchestrator and <paramref name="computeNodes"/> compute nodes and waits until they are all
    /// connected. <paramref name="settings"/> (configuration keys as environment variables) go to every service.
    /// </summary>
    public static async Task<BacalhauCluster> StartAsync(NatsServer nats, int computeNodes, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? settings = null, string? orchestratorDataDir = null)
    {
        var cluster = new BacalhauCluster(nats, settings ?? new Dictionary<string, string>(), orchestratorDataDir);
        try
        {
            await cluster.StartOrchestratorAsync(cancellationToken);
            await cluster.AddComputeNodesAsync(computeNodes, cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the orchestrator on its data directory (again, after a stop or a kill) and waits until its API answers.</summary>
    public async Task StartOrchestratorAsync(CancellationToken cancellationToken)
    {
        var environment = Environment(OrchestratorDataDir);
        environment["Orchestrator__Auth__Token"] = _nats.Token;
        environment["Orchestrator__Auth__NatsAccountSeedFile"] = _nats.AccountSeedFile;
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
                catch (Exception ex) when (ex is OrchestratorUnreachableException or BacalhauApiException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    return false;
                }
            },
            "the orchestrator's API to answer",
            cancellationToken);
    }

    /// <summary>Stops the orchestrator gracefully, leaving its data directory in place.</summary>
    public async Task StopOrchestratorAsync()
    {
        if (Interlocked.Exchange(ref _orchestrator, null) is { } orchestrator)
        {
            await orchestrator.StopAsync(TimeSpan.FromSeconds(30));
            await orchestrator.DisposeAsync();
        }
    }

    /// <summary>kill -9 of the orchestrator: no goodbye, no flush.</summary>
    public async Task KillOrchestratorAsync()
    {
        if (Interlocked.Exchange(ref _orchestrator, null) is { } orchestrator)
        {
            await KillAsync(orchestrator);
        }
    }

    /// <summary>Starts <paramref name="count"/> more compute nodes, each on a new data directory, and waits until all are connected.</summary>
    public async Task AddComputeNodesAsync(int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            _computeDirs.Add(NewDataDir());
            _computeNodes.Add(null);
            StartComputeNode(_computeNodes.Count - 1);
        }

        await WaitForConnectedComputeNodesAsync(_computeNodes.Count, cancellationToken);
    }

    /// <summary>Starts compute node <paramref name="index"/> on its data directory (again, after a kill).</summary>
    public void StartComputeNode(int index)
    {
        var environment = Environment(_computeDirs[index]);
        environment["Compute__Auth__Token"] = _nats.Token;
        environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        _computeNodes[index] = ChildProcess.Start("dotnet", [RepositoryPaths.ComputeAssembly], environment);
    }

    /// <summary>kill -9 of compute node <paramref name="index"/>.</summary>
    public async Task KillComputeNodeAsync(int index)
    {
        if (_computeNodes[index] is { } node)
        {
            _computeNodes[index] = null;
            await KillAsync(node);
        }
    }

    public int ComputeNodePid(int index) => _computeNodes[index]?.Id ?? throw new InvalidOperationException($"compute node {index} is not running");

    /// <summary>The PIDs of the compute nodes running now.</summary>
    public IEnumerable<int> ComputeNodePids => _computeNodes.OfType<ChildProcess>().Select(n => n.Id);

    public Task WaitForConnectedComputeNodesAsync(int count, CancellationToken cancellationToken) =>
        WaitUntilAsync(
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
            await node.DisposeAsync();
        }

        if (_orchestrator is not null)
        {
            await _orchestrator.DisposeAsync();
        }

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

    private Dictionary<string, string> Environment(string dataDir)
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__nats"] = _nats.Url,
            ["BACALHAU_DIR"] = dataDir,
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            // No collector: an exporter retrying against nothing would cost CPU the figures should not include.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "",
        };
        foreach (var (key, value) in _settings)
        {
            environment[key] = value;
        }

        return environment;
    }

    private string NewDataDir()
    {
        var directory = Directory.CreateTempSubdirectory("bacalhau-cluster-").FullName;
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
}

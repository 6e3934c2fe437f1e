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
    private readonly ChildProcess?[] _orchestrators;
    private readonly string[] _orchestratorDirs;

    private BacalhauCluster(NatsServer nats, IReadOnlyDictionary<string, string> settings, string? orchestratorDataDir)
    {
        _nats = nats;
        _settings = settings;
        _orchestrators = new ChildProcess?[nats.Count];
        ApiBases = [.. Enumerable.Range(0, nats.Count).Select(_ => new Uri($"http://127.0.0.1:{FreePort.Next()}/"))];
        Clients = [.. ApiBases.Select(api => BacalhauClient.Create(api, TimeSpan.FromMinutes(1)))];
        _orchestratorDirs = [.. Enumerable.Range(0, nats.Count).Select(i => i == 0 && orchestratorDataDir is not null ? orchestratorDataDir : NewDataDir())];
    }

    /// <summary>The first orchestrator's API.</summary>
    public Uri ApiBase => ApiBases[0];

    public BacalhauClient Client => Clients[0];

    /// <summary>Every orchestrator's API, one per NATS server.</summary>
    public IReadOnlyList<Uri> ApiBases { get; }

    public IReadOnlyList<BacalhauClient> Clients { get; }

    /// <summary>The first orchestrator's data directory: a temporary one unless the caller gave one (then never removed).</summary>
    public string OrchestratorDataDir => _orchestratorDirs[0];

    public IReadOnlyList<string> OrchestratorDataDirs => _orchestratorDirs;

    public IReadOnlyList<string> ComputeDataDirs => _computeDirs;

    /// <summary>The client of the first orchestrator that runs: a follower answers node lists through the leader.</summary>
    public BacalhauClient RunningClient => Clients[Array.FindIndex(_orchestrators, o => o is { HasExited: false }) is >= 0 and var i ? i : 0];

    public int OrchestratorPid => OrchestratorPidOf(0);

    public int OrchestratorPidOf(int index) => _orchestrators[index]?.Id ?? throw new InvalidOperationException($"orchestrator {index} is not running");

    /// <summary>The orchestrator process <paramref name="index"/>, while it runs (it may have exited by itself).</summary>
    public ChildProcess? Orchestrator(int index) => _orchestrators[index];

    /// <summary>
    /// Starts an orchestrator per NATS server of <paramref name="nats"/> (several replicate their state and elect a
    /// leader) and <paramref name="computeNodes"/> compute nodes, each given the first server only, and waits until
    /// they are all connected. <paramref name="settings"/> (configuration keys as environment variables) go to every service.
    /// </summary>
    public static async Task<BacalhauCluster> StartAsync(NatsServer nats, int computeNodes, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? settings = null, string? orchestratorDataDir = null)
    {
        var cluster = new BacalhauCluster(nats, settings ?? new Dictionary<string, string>(), orchestratorDataDir);
        try
        {
            for (var i = 0; i < nats.Count; i++)
            {
                await cluster.StartOrchestratorAsync(i, cancellationToken);
            }

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
    public Task StartOrchestratorAsync(CancellationToken cancellationToken) => StartOrchestratorAsync(0, cancellationToken);

    /// <summary>Starts orchestrator <paramref name="index"/> on its data directory (again, after a stop or a kill) and waits until its API answers.</summary>
    public async Task StartOrchestratorAsync(int index, CancellationToken cancellationToken)
    {
        var environment = Environment(_orchestratorDirs[index], _nats.UrlOf(index));
        environment["Orchestrator__Auth__Token"] = _nats.Token;
        environment["Orchestrator__Auth__NatsAccountSeedFile"] = _nats.AccountSeedFile;
        environment["ASPNETCORE_URLS"] = ApiBases[index].ToString();
        if (_nats.Count > 1)
        {
            environment["Orchestrator__Cluster__Name"] = "bacalhau-bench";
            var peers = _nats.PeersOf(index);
            for (var i = 0; i < peers.Count; i++)
            {
                environment[$"Orchestrator__Cluster__Peers__{i}"] = peers[i];
            }
        }

        _orchestrators[index] = ChildProcess.Start("dotnet", [RepositoryPaths.OrchestratorAssembly], environment);
        var client = Clients[index];
        await WaitUntilAsync(
            async () =>
            {
                try
                {
                    await client.AliveAsync(cancellationToken);
                    return true;
                }
                catch (Exception ex) when (ex is OrchestratorUnreachableException or BacalhauApiException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    return false;
                }
            },
            $"orchestrator {index}'s API to answer",
            cancellationToken);
    }

    /// <summary>Stops the orchestrator gracefully, leaving its data directory in place.</summary>
    public async Task StopOrchestratorAsync(int index = 0)
    {
        if (Interlocked.Exchange(ref _orchestrators[index], null) is { } orchestrator)
        {
            await orchestrator.StopAsync(TimeSpan.FromSeconds(30));
            await orchestrator.DisposeAsync();
        }
    }

    /// <summary>kill -9 of the orchestrator: no goodbye, no flush.</summary>
    public async Task KillOrchestratorAsync(int index = 0)
    {
        if (Interlocked.Exchange(ref _orchestrators[index], null) is { } orchestrator)
        {
            await KillAsync(orchestrator);
        }
    }

    /// <summary>Gives orchestrator <paramref name="index"/> a new, empty data directory for its next start.</summary>
    public void ResetOrchestratorDataDir(int index) => _orchestratorDirs[index] = NewDataDir();

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
        var environment = Environment(_computeDirs[index], _nats.Url);
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
                try
                {
                    var nodes = await RunningClient.ListNodesAsync(cancellationToken);
                    return nodes.Nodes.Count(n => n.Info.NodeType == NodeType.Compute && n.ConnectionState.Status == NodeConnectionStatus.Connected) >= count;
                }
                catch (BacalhauApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable)
                {
                    // A follower with no leader elected yet.
                    return false;
                }
            },
            $"{count} compute node(s) to connect",
            cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _computeNodes.OfType<ChildProcess>())
        {
            await node.DisposeAsync();
        }

        foreach (var orchestrator in _orchestrators.OfType<ChildProcess>())
        {
            await orchestrator.DisposeAsync();
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

    private Dictionary<string, string> Environment(string dataDir, string natsUrl)
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__nats"] = natsUrl,
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
            if (_orchestrators.Concat(_computeNodes).FirstOrDefault(n => n is { HasExited: true }) is { } exited)
            {
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

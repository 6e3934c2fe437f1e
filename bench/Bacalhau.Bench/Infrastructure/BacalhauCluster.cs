using Bacalhau.Client;
using Bacalhau.Contracts.Models;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.Bench.Infrastructure;

/// <summary>
/// The built orchestrator and compute executables (Release) as processes on loopback, each with its own temporary
/// data directory, joined through <see cref="NatsServer"/>. OTLP export is off and services log warnings only, so
/// the figures measure the system rather than its telemetry pipeline. Stopped by PID when disposed.
/// </summary>
internal sealed class BacalhauCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    private readonly List<ChildProcess> _computeNodes = [];
    private readonly List<string> _directories = [];
    private readonly NatsServer _nats;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private ChildProcess? _orchestrator;

    private BacalhauCluster(NatsServer nats, IReadOnlyDictionary<string, string> settings, int apiPort)
    {
        _nats = nats;
        _settings = settings;
        ApiBase = new Uri($"http://127.0.0.1:{apiPort}/");
        Client = BacalhauClient.Create(ApiBase, TimeSpan.FromMinutes(1));
        OrchestratorDataDir = NewDataDir();
    }

    public Uri ApiBase { get; }

    public BacalhauClient Client { get; }

    public string OrchestratorDataDir { get; }

    public int OrchestratorPid => _orchestrator?.Id ?? throw new InvalidOperationException("the orchestrator is not running");

    /// <summary>
    /// Starts an orchestrator and <paramref name="computeNodes"/> compute nodes and waits until they are all
    /// connected. <paramref name="settings"/> (configuration keys as environment variables) go to every service.
    /// </summary>
    public static async Task<BacalhauCluster> StartAsync(NatsServer nats, int computeNodes, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? settings = null)
    {
        var cluster = new BacalhauCluster(nats, settings ?? new Dictionary<string, string>(), FreePort.Next());
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

    /// <summary>Starts the orchestrator on its data directory (again, after <see cref="StopOrchestratorAsync"/>) and waits until its API answers.</summary>
    public async Task StartOrchestratorAsync(CancellationToken cancellationToken)
    {
        var environment = Environment(OrchestratorDataDir);
        environment["Orchestrator__Auth__Token"] = _nats.Token;
        environment["Orchestrator__Auth__NatsAccountSeedFile"] = _nats.AccountSeedFile;
        environment["ASPNETCORE_URLS"] = ApiBase.ToString();
        _orchestrator = ChildProcess.Start("dotnet", [RepositoryPaths.OrchestratorAssembly], environment);
        await WaitUntilAsync(async () =>
        {
            try
            {
                await Client.AliveAsync(cancellationToken);
                return true;
            }
            catch (OrchestratorUnreachableException)
            {
                return false;
            }
        }, "the orchestrator's API to answer", cancellationToken);
    }

    /// <summary>Stops the orchestrator gracefully, leaving its data directory in place.</summary>
    public async Task StopOrchestratorAsync()
    {
        if (_orchestrator is not null)
        {
            await _orchestrator.StopAsync(TimeSpan.FromSeconds(30));
            await _orchestrator.DisposeAsync();
            _orchestrator = null;
        }
    }

    public async Task AddComputeNodesAsync(int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            var environment = Environment(NewDataDir());
            environment["Compute__Auth__Token"] = _nats.Token;
            environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
            _computeNodes.Add(ChildProcess.Start("dotnet", [RepositoryPaths.ComputeAssembly], environment));
        }

        await WaitUntilAsync(async () =>
        {
            var nodes = await Client.ListNodesAsync(cancellationToken);
            return nodes.Nodes.Count(n => n.Info.NodeType == NodeType.Compute && n.ConnectionState.Status == NodeConnectionStatus.Connected) >= _computeNodes.Count;
        }, $"{_computeNodes.Count} compute node(s) to connect", cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _computeNodes)
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
        var directory = Directory.CreateTempSubdirectory("bacalhau-bench-").FullName;
        _directories.Add(directory);
        return directory;
    }

    private async Task WaitUntilAsync(Func<Task<bool>> condition, string what, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        while (!await condition())
        {
            if (_orchestrator?.HasExited == true || _computeNodes.Any(n => n.HasExited))
            {
                var exited = _orchestrator?.HasExited == true ? _orchestrator : _computeNodes.First(n => n.HasExited);
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

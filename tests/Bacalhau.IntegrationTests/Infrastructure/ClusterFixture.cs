using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Identity.Nodes;
using Bacalhau.NatsHosting;
using NATS.Client.Core;

namespace Bacalhau.IntegrationTests.Infrastructure;

/// <summary>
/// The whole AppHost (real nats-server, orchestrator, compute replicas) started once for a test class, with
/// a replica count other than the default and timings short enough for tests. Shared by the classes of the
/// <see cref="SharedCluster"/>, which run one after another; other fixtures start their own with more settings.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime, IDisposable
{
    /// <summary>Not the default of 3, to prove the count is honoured; at least 3 so jobs can spread over 3 nodes.</summary>
    public const int ComputeReplicas = 4;
    public static readonly TimeSpan DisconnectTimeout = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan QueueTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly int _replicas;
    private readonly IReadOnlyList<string> _arguments;
    private DistributedApplication? _app;
    private readonly HashSet<int> _processIds = [];
    private readonly CancellationTokenSource _stopWatching = new();
    private Task? _watch;

    public ClusterFixture()
        : this(ComputeReplicas, [])
    {
    }

    /// <param name="replicas">How many compute replicas to start.</param>
    /// <param name="arguments">More AppHost settings (<c>--Key=value</c>) on top of the test timings.</param>
    internal ClusterFixture(int replicas, IReadOnlyList<string> arguments)
    {
        _replicas = replicas;
        _arguments = arguments;
    }

    public DistributedApplication App => _app ?? throw new InvalidOperationException("the cluster is not started");

    public string Token { get; } = Guid.NewGuid().ToString("N");

    public string DataDir { get; } = Directory.CreateTempSubdirectory("bacalhau-cluster-").FullName;

    public HttpClient Api { get; private set; } = null!;

    public OtlpCollector Otlp { get; } = new();

    public string NatsUrl { get; private set; } = "";

    /// <summary>
    /// A NATS client with the orchestrator's rights (a user signed with the cluster account's key, as the AppHost keeps
    /// it under the data dir): what a broken orchestrator could send, since a token holder may no longer publish on a
    /// node's subjects.
    /// </summary>
    public NatsConnection ConnectWithOrchestratorRights(string name)
    {
        using var signer = NatsAccountSigner.Load(Path.Combine(DataDir, "nats-auth", NatsClusterKeys.AccountSeedFileName));
        return new NatsConnection(NatsOpts.Default with { Url = NatsUrl, Name = name, AuthOpts = signer.ServiceUser(name) });
    }

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Bacalhau_AppHost>(
            [
                $"--Cluster:ComputeReplicas={_replicas}",
                "--Cluster:ApiPort=0",
                $"--Cluster:DataDir={DataDir}",
                $"--Parameters:nats-token={Token}",
                $"--Orchestrator:NodeManager:DisconnectTimeout={DisconnectTimeout}",
                $"--Compute:Heartbeat:Interval={HeartbeatInterval}",
                $"--Orchestrator:Scheduler:QueueTimeout={QueueTimeout}",
                .. _arguments,
            ],
            (options, _) => options.DisableDashboard = true);

        // Every service exports its spans and metrics to our collector, as it would to the dashboard; metrics each
        // second, so a test sees a count within a few seconds of the change.
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            project.Annotations.Add(new EnvironmentCallbackAnnotation(context =>
            {
                context.EnvironmentVariables["OTEL_EXPORTER_OTLP_ENDPOINT"] = Otlp.Endpoint;
                context.EnvironmentVariables["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
                context.EnvironmentVariables["OTEL_BSP_SCHEDULE_DELAY"] = "200";
                context.EnvironmentVariables["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
            }));
        }

        _app = await builder.BuildAsync().WaitAsync(StartTimeout);
        _watch = Task.Run(() => RecordProcessIdsAsync(_app, _stopWatching.Token));
        await _app.StartAsync().WaitAsync(StartTimeout);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("orchestrator").WaitAsync(StartTimeout);
        Api = _app.CreateHttpClient("orchestrator", "http");
        NatsUrl = await _app.GetConnectionStringAsync("nats") ?? throw new InvalidOperationException("nats has no connection string");
    }

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        try
        {
            if (_app is not null)
            {
                await _app.StopAsync().WaitAsync(TimeSpan.FromMinutes(1));
                await _app.DisposeAsync();
            }
        }
        finally
        {
            await _stopWatching.CancelAsync();
            await (_watch ?? Task.CompletedTask).ContinueWith(_ => { }, TaskScheduler.Default);
            KillSurvivors();
            await Otlp.DisposeAsync();
            Directory.Delete(DataDir, recursive: true);
        }
    }

    public void Dispose() => _stopWatching.Dispose();

    /// <summary>Makes sure a process started during a test (a restarted resource) is stopped with the cluster.</summary>
    public void TrackProcess(int processId)
    {
        lock (_processIds)
        {
            _processIds.Add(processId);
        }
    }

    /// <summary>Every process the cluster ran, restarts included, so that none outlives the tests.</summary>
    private async Task RecordProcessIdsAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        await foreach (var change in app.ResourceNotifications.WatchAsync(cancellationToken))
        {
            if (change.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } pid
                && int.TryParse(Convert.ToString(pid, System.Globalization.CultureInfo.InvariantCulture), out var id))
            {
                TrackProcess(id);
            }
        }
    }

    private void KillSurvivors()
    {
        int[] ids;
        lock (_processIds)
        {
            ids = [.. _processIds.Union(ProcessesUsing(DataDir))];
        }

        foreach (var id in ids)
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(id);
                // Only ours: a reused ID belongs to someone else.
                if (process.ProcessName.StartsWith("Bacalhau", StringComparison.Ordinal) || process.ProcessName == "nats-server")
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(TimeSpan.FromSeconds(10));
                }
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
    }

    /// <summary>
    /// Processes whose environment names <paramref name="dataDir"/> as their data directory: every node of this
    /// cluster, including one that Aspire started without reporting its process ID.
    /// </summary>
    internal static IEnumerable<int> ProcessesUsing(string dataDir)
    {
        var marker = $"BACALHAU_DIR={dataDir}";
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var id))
            {
                continue;
            }

            string environment;
            try
            {
                environment = File.ReadAllText(Path.Combine(directory, "environ"));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (environment.Split('\0').Contains(marker, StringComparer.Ordinal))
            {
                yield return id;
            }
        }
    }

    public async Task<IReadOnlyList<NodeState>> ListNodesAsync()
    {
        var response = await Api.GetFromJsonAsync("/api/v1/orchestrator/nodes", BacalhauJsonContext.Default.ListNodesResponse);
        return response?.Nodes ?? [];
    }

    public async Task<NodeState?> FindNodeAsync(string nodeId) => (await ListNodesAsync()).FirstOrDefault(n => n.Info.NodeID == nodeId);

    /// <summary>Waits until <paramref name="nodeId"/> is listed with <paramref name="status"/>.</summary>
    public Task<NodeState> WaitForNodeAsync(string nodeId, NodeConnectionStatus status, TimeSpan timeout) =>
        Eventually.WaitAsync(
            async () => await FindNodeAsync(nodeId) is { } node && node.ConnectionState.Status == status ? node : null,
            timeout,
            $"node {nodeId} to be {status}");

    /// <summary>Submits <paramref name="job"/> forced: a spec another test ran already runs again, as that job's next version.</summary>
    public async Task<PutJobResponse> SubmitAsync(Job job)
    {
        using var response = await Api.PutAsJsonAsync("/api/v1/orchestrator/jobs", new PutJobRequest { Job = job, Force = true }, BacalhauJsonContext.Default.PutJobRequest);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync(BacalhauJsonContext.Default.PutJobResponse))!;
    }

    public async Task<GetJobResponse> GetJobAsync(string jobId) =>
        (await Api.GetFromJsonAsync($"/api/v1/orchestrator/jobs/{jobId}?include=executions,history", BacalhauJsonContext.Default.GetJobResponse))!;

    /// <summary>Waits until the job reaches <paramref name="state"/>; fails at once if it ends in another terminal state.</summary>
    public Task<GetJobResponse> WaitForJobAsync(string jobId, JobStateType state, TimeSpan timeout) =>
        Eventually.WaitAsync(
            async () =>
            {
                var job = await GetJobAsync(jobId);
                var current = job.Job.State.StateType;
                Assert.False(current.IsTerminal() && current != state, $"job {jobId} ended {current}: {job.Job.State.Message}");
                return current == state ? job : null;
            },
            timeout,
            $"job {jobId} to be {state}");

    /// <summary>kill -9 of the orchestrator, then a start of it over the same data directory; returns once it is healthy.</summary>
    public async Task KillAndRestartOrchestratorAsync(TimeSpan timeout)
    {
        var pid = OrchestratorPid();
        // The resource's process is the orchestrator itself (its built executable); its whole tree, so that nothing it started survives.
        System.Diagnostics.Process.GetProcessById(pid).Kill(entireProcessTree: true);
        // Started again only once the app has seen it end: a start asked of a resource it still counts as running can fail.
        using (var ended = new CancellationTokenSource(timeout))
        {
            await App.ResourceNotifications.WaitForResourceAsync("orchestrator", KnownResourceStates.TerminalStates, ended.Token);
        }

        var start = await App.ResourceCommands.ExecuteCommandAsync("orchestrator", KnownResourceCommands.StartCommand);
        Assert.True(start.Success, start.Message);
        // Until the start shows, the app may still report the killed process's end: waited through, not taken as the
        // new process failing (a start that really fails still fails the test, at the timeout).
        using var healthy = new CancellationTokenSource(timeout);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("orchestrator", WaitBehavior.WaitOnResourceUnavailable, healthy.Token);
        var restarted = OrchestratorPid();
        TrackProcess(restarted);
        Assert.NotEqual(pid, restarted);
    }

    private int OrchestratorPid()
    {
        Assert.True(App.ResourceNotifications.TryGetCurrentState("orchestrator", out var state));
        var pid = state.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value;
        return Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Starts one more compute node as a separate process against this cluster's NATS.</summary>
    public ComputeNodeProcess StartComputeNode(string dataDir, string? token = null, IReadOnlyDictionary<string, string>? environment = null) =>
        ComputeNodeProcess.Start(NatsUrl, token ?? Token, dataDir, HeartbeatInterval, environment);

    /// <summary>The IDs of the AppHost's compute replicas: those living in the cluster's data dir.</summary>
    public HashSet<string> ReplicaNodeIds()
    {
        var replicas = Path.Combine(DataDir, "compute", "replicas");
        return Directory.Exists(replicas)
            ? [.. Directory.GetDirectories(replicas)
                .Where(dir => File.Exists(Path.Combine(dir, SystemMetadata.FileName)))
                .Select(dir => SystemMetadata.Load(dir).NodeId!)]
            : [];
    }

    /// <summary>Waits until every replica is CONNECTED.</summary>
    public Task<List<NodeState>> WaitForReplicasAsync() => Eventually.WaitAsync(
        async () =>
        {
            var replicaIds = ReplicaNodeIds();
            var nodes = (await ListNodesAsync()).Where(n => replicaIds.Contains(n.Info.NodeID)).ToList();
            return replicaIds.Count == _replicas
                && nodes.Count == _replicas
                && nodes.All(n => n.ConnectionState.Status == NodeConnectionStatus.Connected)
                ? nodes
                : null;
        },
        TimeSpan.FromSeconds(90),
        $"{_replicas} CONNECTED compute replicas");
}

[CollectionDefinition(Name)]
public sealed class SharedCluster : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}

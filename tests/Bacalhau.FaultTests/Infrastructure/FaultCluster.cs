using System.Runtime.InteropServices;
using Bacalhau.Bench.Infrastructure;
using Bacalhau.Client;
using NATS.Client.Core;

namespace Bacalhau.FaultTests.Infrastructure;

/// <summary>
/// The benchmark's cluster of processes (<see cref="BacalhauCluster"/>: a private <c>nats-server</c>, the built
/// orchestrator and compute nodes, each on a data directory of its own that outlives its process) with what a case
/// needs to inject faults: crash, restart and pause. Heartbeats are fast (1 s) and the disconnect timeout short, so
/// that a lost node is noticed within seconds.
/// </summary>
internal sealed partial class FaultCluster : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = BacalhauCluster.StartTimeout;
    private const int SigStop = 19;
    private const int SigCont = 18;

    private readonly BacalhauCluster _cluster;

    private FaultCluster(NatsServer nats, BacalhauCluster cluster)
    {
        Nats = nats;
        _cluster = cluster;
    }

    public NatsServer Nats { get; }

    public Uri ApiBase => _cluster.ApiBase;

    public BacalhauClient Client => _cluster.Client;

    /// <summary>Every orchestrator's client, whether it runs or not.</summary>
    public IReadOnlyList<BacalhauClient> Clients => _cluster.Clients;

    /// <summary>The client of the first orchestrator that runs.</summary>
    public BacalhauClient RunningClient => _cluster.RunningClient;

    public int OrchestratorCount => Clients.Count;

    /// <summary>Whether orchestrator <paramref name="index"/> runs (not killed, not exited by itself).</summary>
    public bool IsRunning(int index) => _cluster.Orchestrator(index) is { HasExited: false };

    /// <summary>The orchestrator process <paramref name="index"/>, while the cluster holds it.</summary>
    public Bacalhau.IntegrationTests.Infrastructure.ChildProcess? Orchestrator(int index) => _cluster.Orchestrator(index);

    public string OrchestratorDataDir => _cluster.OrchestratorDataDir;

    public IReadOnlyList<string> ComputeDataDirs => _cluster.ComputeDataDirs;

    /// <summary>
    /// Starts NATS, the orchestrator (on <paramref name="orchestratorDataDir"/> when given, else a temporary one) and
    /// <paramref name="computeNodes"/> compute nodes, and waits until they are all connected. A node silent for
    /// <paramref name="disconnectTimeout"/> (default 5 s) is lost and its executions rescheduled.
    /// </summary>
    /// <remarks>
    /// With <paramref name="orchestrators"/> above one, each orchestrator gets a NATS server of its own, the servers
    /// joined by routes, and the orchestrators replicate their state and elect a leader; compute nodes are given the
    /// first server only.
    /// </remarks>
    public static async Task<FaultCluster> StartAsync(int computeNodes, CancellationToken cancellationToken, string? orchestratorDataDir = null, TimeSpan? disconnectTimeout = null, int orchestrators = 1)
    {
        var nats = await NatsServer.StartAsync(cancellationToken, orchestrators);
        try
        {
            var settings = new Dictionary<string, string>
            {
                ["Orchestrator__NodeManager__DisconnectTimeout"] = (disconnectTimeout ?? TimeSpan.FromSeconds(5)).ToString(),
                ["Compute__Heartbeat__Interval"] = "00:00:01",
            };
            return new FaultCluster(nats, await BacalhauCluster.StartAsync(nats, computeNodes, cancellationToken, settings, orchestratorDataDir));
        }
        catch
        {
            await nats.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the orchestrator on its data directory (again, after a kill) and waits until its API answers.</summary>
    public Task StartOrchestratorAsync(CancellationToken cancellationToken) => _cluster.StartOrchestratorAsync(cancellationToken);

    /// <summary>kill -9 of the orchestrator: no goodbye, no flush.</summary>
    public Task KillOrchestratorAsync(int index = 0) => _cluster.KillOrchestratorAsync(index);

    public Task StartOrchestratorAsync(int index, CancellationToken cancellationToken) => _cluster.StartOrchestratorAsync(index, cancellationToken);

    public Task StopOrchestratorAsync(int index) => _cluster.StopOrchestratorAsync(index);

    /// <summary>Gives orchestrator <paramref name="index"/> a new, empty data directory for its next start.</summary>
    public void ResetOrchestratorDataDir(int index) => _cluster.ResetOrchestratorDataDir(index);

    /// <summary>
    /// Waits until one running orchestrator other than <paramref name="except"/> says it leads (its agent node info's
    /// role) and returns its index.
    /// </summary>
    public async Task<int> WaitForLeaderAsync(CancellationToken cancellationToken, int? except = null) =>
        int.Parse(await Bacalhau.IntegrationTests.Infrastructure.Eventually.WaitAsync<string>(
            async () =>
            {
                for (var i = 0; i < OrchestratorCount; i++)
                {
                    if (i == except || !IsRunning(i))
                    {
                        continue;
                    }

                    try
                    {
                        if ((await Clients[i].AgentNodeAsync(cancellationToken)).ClusterRole == "leader")
                        {
                            return i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        }
                    }
                    catch (Exception ex) when (ex is BacalhauApiException or OrchestratorUnreachableException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                    {
                        // Not answering yet.
                    }
                }

                return null;
            },
            StartTimeout,
            except is { } old ? $"an orchestrator other than {old} to lead" : "an orchestrator to lead"), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>kill -9 of NATS server <paramref name="index"/>, as when its machine goes down with its orchestrator.</summary>
    public Task KillNatsAsync(int index) => Nats.KillAsync(index);

    /// <summary>SIGSTOP of orchestrator <paramref name="index"/>: its sockets stay open, it does nothing at all.</summary>
    public void PauseOrchestrator(int index) => Signal(_cluster.OrchestratorPidOf(index), SigStop);

    public void ResumeOrchestrator(int index) => Signal(_cluster.OrchestratorPidOf(index), SigCont);

    /// <summary>Starts compute node <paramref name="index"/> on its data directory (again, after a kill).</summary>
    public void StartComputeNode(int index) => _cluster.StartComputeNode(index);

    public Task KillComputeNodeAsync(int index) => _cluster.KillComputeNodeAsync(index);

    /// <summary>SIGSTOP: nats-server keeps its sockets open but answers nothing, as a hung or swapped-out server would.</summary>
    public void PauseNats() => Signal(Nats.Pid, SigStop);

    public void ResumeNats() => Signal(Nats.Pid, SigCont);

    /// <summary>SIGSTOP of compute node <paramref name="index"/>: its connections stay open, it reads and answers nothing.</summary>
    public void PauseComputeNode(int index) => Signal(_cluster.ComputeNodePid(index), SigStop);

    public void ResumeComputeNode(int index) => Signal(_cluster.ComputeNodePid(index), SigCont);

    /// <summary>A raw client with the orchestrator's rights, as a hostile or broken client would have.</summary>
    public Task<NatsConnection> ConnectRawAsync() => Nats.ConnectAsync("fault-injector");

    public Task WaitForConnectedComputeNodesAsync(int count, CancellationToken cancellationToken) =>
        _cluster.WaitForConnectedComputeNodesAsync(count, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        // A process a failed case left paused would not stop on SIGTERM; one that has exited needs nothing.
        foreach (var pid in _cluster.ComputeNodePids.Concat(Enumerable.Range(0, OrchestratorCount).Select(i => _cluster.Orchestrator(i)?.Id).OfType<int>()))
        {
            _ = SendSignal(pid, SigCont);
        }

        await _cluster.DisposeAsync();
        foreach (var pid in Nats.Pids)
        {
            _ = SendSignal(pid, SigCont);
        }

        await Nats.DisposeAsync();
    }

    private static void Signal(int pid, int signal)
    {
        if (SendSignal(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}

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

    public string OrchestratorDataDir => _cluster.OrchestratorDataDir;

    public IReadOnlyList<string> ComputeDataDirs => _cluster.ComputeDataDirs;

    /// <summary>
    /// Starts NATS, the orchestrator (on <paramref name="orchestratorDataDir"/> when given, else a temporary one) and
    /// <paramref name="computeNodes"/> compute nodes, and waits until they are all connected. A node silent for
    /// <paramref name="disconnectTimeout"/> (default 5 s) is lost and its executions rescheduled.
    /// </summary>
    public static async Task<FaultCluster> StartAsync(int computeNodes, CancellationToken cancellationToken, string? orchestratorDataDir = null, TimeSpan? disconnectTimeout = null)
    {
        var nats = await NatsServer.StartAsync(cancellationToken);
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
    public Task KillOrchestratorAsync() => _cluster.KillOrchestratorAsync();

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
        foreach (var pid in _cluster.ComputeNodePids)
        {
            _ = SendSignal(pid, SigCont);
        }

        await _cluster.DisposeAsync();
        ResumeNats();
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

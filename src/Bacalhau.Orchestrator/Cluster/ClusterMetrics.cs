using System.Diagnostics.Metrics;

namespace Bacalhau.Orchestrator.Cluster;

/// <summary>The replicated orchestrator's meter: log appends (batch size, latency), the last applied sequence and the role.</summary>
internal sealed class ClusterMetrics
{
    public const string MeterName = "Bacalhau.Orchestrator.Cluster";

    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _appendLatency;
    private long _applied;
    private int _leading;

    public ClusterMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _batchSize = meter.CreateHistogram<int>("bacalhau.state_log.append.batch_size", "{operation}", "Operations per append to the replicated state log.");
        _appendLatency = meter.CreateHistogram<double>("bacalhau.state_log.append.duration", "s", "Time from an append to its acknowledgement by a majority.");
        meter.CreateObservableGauge("bacalhau.state_log.applied_sequence", () => Interlocked.Read(ref _applied), "{entry}", "Last log sequence applied to this orchestrator's database.");
        meter.CreateObservableGauge("bacalhau.orchestrator.leader", () => Volatile.Read(ref _leading), "{orchestrator}", "1 while this orchestrator leads its cluster, else 0.");
    }

    public void RecordAppend(int operations, TimeSpan latency)
    {
        _batchSize.Record(operations);
        _appendLatency.Record(latency.TotalSeconds);
    }

    public void RecordApplied(ulong sequence) => Interlocked.Exchange(ref _applied, (long)sequence);

    public void RecordRole(OrchestratorRole role) => Volatile.Write(ref _leading, role == OrchestratorRole.Leader ? 1 : 0);
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Compute.Metrics;

/// <summary>
/// The compute node's meter: bids and finished executions as they are committed, executions running by engine, and
/// the bytes of execution logs streamed to readers, and lookups of compiled Wasm modules.
/// Tags are engine names this node offers, outcomes and bid results only, never IDs, so series stay few.
/// </summary>
public sealed class ComputeMetrics
{
    public const string MeterName = "Bacalhau.Compute";

    private readonly Meter _meter;
    private readonly Counter<long> _bids;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _logBytes;
    private readonly Counter<long> _wasmModules;

    public ComputeMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _bids = _meter.CreateCounter<long>("bacalhau.compute.bids", "{bid}", "Bids answered by this node, by result (accepted or rejected).");
        _duration = _meter.CreateHistogram<double>("bacalhau.compute.execution.duration", "s", "Time from the start of an execution to its recorded end, by engine and outcome.");
        _logBytes = _meter.CreateCounter<long>("bacalhau.compute.logs.streamed", "By", "Bytes of execution logs sent to readers.");
        _wasmModules = _meter.CreateCounter<long>("bacalhau.compute.wasm.modules", "{module}", "Wasm modules a run needed, by result: hit (compiled before) or miss (compiled for it).");
    }

    /// <summary>Registers the source of the running gauge; the execution manager owns what is running.</summary>
    internal void ObserveRunning(Func<IEnumerable<Measurement<int>>> observe) =>
        _meter.CreateObservableGauge("bacalhau.compute.executions.running", observe, "{execution}", "Executions running on this node, by engine.");

    internal void BidRecorded(bool accepted) =>
        _bids.Add(1, new KeyValuePair<string, object?>("result", accepted ? "accepted" : "rejected"));

    internal void ExecutionRecorded(string engine, ExecutionStateType outcome, TimeSpan duration) =>
        _duration.Record(duration.TotalSeconds, new TagList { { "bacalhau.engine", engine }, { "outcome", Outcome(outcome) } });

    internal void LogsStreamed(int bytes) => _logBytes.Add(bytes);

    internal void WasmModuleLookedUp(bool hit) =>
        _wasmModules.Add(1, new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));

    private static string Outcome(ExecutionStateType state) => state switch
    {
        ExecutionStateType.Completed => "completed",
        ExecutionStateType.Cancelled => "cancelled",
        _ => "failed",
    };
}

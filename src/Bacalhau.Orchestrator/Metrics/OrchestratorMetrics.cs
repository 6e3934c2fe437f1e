using System.Diagnostics;
using System.Diagnostics.Metrics;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Orchestrator.Nodes;
using Bacalhau.Orchestrator.Storage;
using Bacalhau.Orchestrator.Transport;

namespace Bacalhau.Orchestrator.Metrics;

/// <summary>
/// The orchestrator's meter: job state changes as they are committed, the commits of its database, and gauges of the
/// queue, the outbox and the nodes read when the exporter collects. Tags are the job type and states only, never IDs,
/// so series stay few.
/// </summary>
public sealed class OrchestratorMetrics
{
    public const string MeterName = "Bacalhau.Orchestrator";

    private readonly Counter<long> _submitted;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _stopped;
    private readonly Histogram<double> _submitToRunning;
    private readonly Histogram<double> _submitToCompleted;
    private readonly Histogram<int> _commitBatch;
    private readonly Histogram<double> _commitDuration;

    // The same counts as the counters above, kept for the web UI's overview, which reads them over the API.
    private long _completedTotal;
    private long _failedTotal;
    private long _stoppedTotal;

    public OrchestratorMetrics(IMeterFactory meterFactory, IJobStore store, NodeRegistry registry, ComputeChannel channel)
    {
        var meter = meterFactory.Create(MeterName);
        _submitted = meter.CreateCounter<long>("bacalhau.jobs.submitted", "{job}", "Jobs accepted by the orchestrator.");
        _completed = meter.CreateCounter<long>("bacalhau.jobs.completed", "{job}", "Jobs that completed.");
        _failed = meter.CreateCounter<long>("bacalhau.jobs.failed", "{job}", "Jobs that failed.");
        _stopped = meter.CreateCounter<long>("bacalhau.jobs.stopped", "{job}", "Jobs stopped by a user.");
        _submitToRunning = meter.CreateHistogram<double>("bacalhau.jobs.submit_to_running", "s", "Time from a job's submission to its first running state.");
        _submitToCompleted = meter.CreateHistogram<double>("bacalhau.jobs.submit_to_completed", "s", "Time from a job's submission to its completion.");
        _commitBatch = meter.CreateHistogram<int>("bacalhau.store.commit.batch_size", "{change}", "Changes written together in one transaction of the orchestrator's database.");
        _commitDuration = meter.CreateHistogram<double>("bacalhau.store.commit.duration", "s", "Time one transaction of the orchestrator's database took, its sync to disk included.");
        meter.CreateObservableGauge("bacalhau.jobs.queue_depth", () => QueueDepth(store), "{job}", "Jobs waiting to be placed on a node.");
        meter.CreateObservableGauge("bacalhau.outbox.depth", () => channel.Unacknowledged, "{message}", "Messages to compute nodes committed and not yet acknowledged.");
        meter.CreateObservableGauge("bacalhau.nodes.connection", () => NodesByConnection(registry), "{node}", "Compute nodes by connection state.");
        meter.CreateObservableGauge("bacalhau.nodes.membership", () => NodesByMembership(registry), "{node}", "Compute nodes by membership.");
        store.Writer.ObserveCommits(CommitWritten);
    }

    /// <summary>Counts the job-level state changes of a decision; called only once its commit is durable.</summary>
    internal void Committed(ChangeSet changes, IReadOnlyDictionary<string, Job> savedJobs)
    {
        foreach (var entry in changes.History)
        {
            if (entry.JobState is not { } change || !savedJobs.TryGetValue(entry.JobID, out var job))
            {
                continue;
            }

            var tags = new TagList { { "bacalhau.job.type", job.Type } };
            var sinceSubmit = (entry.Time - UnixNanos.ToDateTimeOffset(job.CreateTime)).TotalSeconds;
            switch (change.New)
            {
                case JobStateType.Pending when change.Previous == JobStateType.Undefined:
                    _submitted.Add(1, tags);
                    break;
                case JobStateType.Running:
                    _submitToRunning.Record(sinceSubmit, tags);
                    break;
                case JobStateType.Completed:
                    _completed.Add(1, tags);
                    Interlocked.Increment(ref _completedTotal);
                    _submitToCompleted.Record(sinceSubmit, tags);
                    break;
                case JobStateType.Failed:
                    _failed.Add(1, tags);
                    Interlocked.Increment(ref _failedTotal);
                    break;
                case JobStateType.Stopped:
                    _stopped.Add(1, tags);
                    Interlocked.Increment(ref _stoppedTotal);
                    break;
            }
        }
    }

    private void CommitWritten(int changes, TimeSpan duration)
    {
        _commitBatch.Record(changes);
        _commitDuration.Record(duration.TotalSeconds);
    }

    /// <summary>Jobs that finished since this orchestrator started, by state.</summary>
    public IReadOnlyDictionary<string, long> FinishedSinceStart() => new Dictionary<string, long>
    {
        [nameof(JobStateType.Completed)] = Interlocked.Read(ref _completedTotal),
        [nameof(JobStateType.Failed)] = Interlocked.Read(ref _failedTotal),
        [nameof(JobStateType.Stopped)] = Interlocked.Read(ref _stoppedTotal),
    };

    private static int QueueDepth(IJobStore store) =>
        store.OpenJobs().Count(j => j.State.StateType is JobStateType.Pending or JobStateType.Queued);

    private static Measurement<int>[] NodesByConnection(NodeRegistry registry)
    {
        var nodes = registry.List();
        var connected = nodes.Count(n => n.ConnectionState.Status == NodeConnectionStatus.Connected);
        return
        [
            new(connected, new KeyValuePair<string, object?>("bacalhau.node.connection", "connected")),
            new(nodes.Count - connected, new KeyValuePair<string, object?>("bacalhau.node.connection", "disconnected")),
        ];
    }

    private static Measurement<int>[] NodesByMembership(NodeRegistry registry)
    {
        var nodes = registry.List();
        return
        [
            new(nodes.Count(n => n.Membership == NodeMembership.Approved), new KeyValuePair<string, object?>("bacalhau.node.membership", "approved")),
            new(nodes.Count(n => n.Membership == NodeMembership.Pending), new KeyValuePair<string, object?>("bacalhau.node.membership", "pending")),
            new(nodes.Count(n => n.Membership == NodeMembership.Rejected), new KeyValuePair<string, object?>("bacalhau.node.membership", "rejected")),
        ];
    }
}

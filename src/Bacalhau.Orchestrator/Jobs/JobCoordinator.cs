using System.Diagnostics;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Bacalhau.JobSpecs;
using Bacalhau.Messaging;
using Bacalhau.Orchestrator.Metrics;
using Bacalhau.Orchestrator.Nodes;
using Bacalhau.Orchestrator.Scheduling;
using Bacalhau.Orchestrator.Storage;
using Bacalhau.Orchestrator.Transport;
using Microsoft.Extensions.Options;

namespace Bacalhau.Orchestrator.Jobs;

/// <summary>
/// The one place job state changes. Every decision (a submission, a stop, a message from a compute node, a node
/// lost) runs alone, reads the current view, and commits its whole effect, messages included, in one transaction;
/// the messages leave only after that commit. Decisions queue in arrival order.
/// </summary>
public sealed partial class JobCoordinator(
    IJobStore store,
    JobScheduler scheduler,
    NodeRegistry registry,
    ComputeChannel channel,
    OrchestratorMetrics metrics,
    TimeProvider time,
    IOptions<NodeManagerOptions> nodeOptions,
    ILogger<JobCoordinator> logger) : IDisposable
{
    public static readonly ActivitySource ActivitySource = new("Bacalhau.Orchestrator.Jobs");

    // Named fields, because the nested Decision reads them too.
    private readonly IJobStore _store = store;
    private readonly JobScheduler _scheduler = scheduler;
    private readonly NodeRegistry _registry = registry;
    private readonly ILogger _logger = logger;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();
    private long _clusterVersionSeen = -1;

    public Task<PutJobResult> SubmitAsync(Job job, CancellationToken cancellationToken) => SubmitAsync(job, force: false, cancellationToken);

    /// <summary>
    /// Creates the job, or, as Bacalhau does, updates the job of the same name in its namespace: same ID, the next
    /// version, executions of the old one replaced. An update that changes nothing is refused unless <paramref name="force"/>.
    /// </summary>
    public async Task<PutJobResult> SubmitAsync(Job job, bool force, CancellationToken cancellationToken)
    {
        // Each span lasts until the decision is durable, and is current while it is made, so its messages continue it.
        using var activity = ActivitySource.StartActivity("job submit");
        activity?.SetTag(JobTrace.JobIdTag, job.ID);
        activity?.SetTag("bacalhau.job.type", job.Type);
        return await RunAsync(decision =>
        {
            // A job given no name is named after its new ID, which no other job has: no need to look.
            if (job.Name != job.ID && _store.FindJobByName(job.Namespace, job.Name) is { } named && decision.Job(named.ID) is { } existing)
            {
                activity?.SetTag(JobTrace.JobIdTag, existing.ID);
                if (!force && JobDiff.Between(existing, job).Length == 0)
                {
                    return new PutJobResult(existing.ID, "", existing.Version, existing.Revision,
                        $"no changes detected for new job spec. Job Name: '{existing.Name}', Job Id: '{existing.ID}'");
                }

                var update = decision.NewVersion(existing, job, "Job update requested by user", EvaluationTriggers.JobUpdate);
                return new PutJobResult(existing.ID, update.ID, existing.Version + 1, decision.Job(existing.ID)!.Revision);
            }

            // The decision's own time: its history entries, the placement among them, are stamped with it.
            var created = job with
            {
                State = new State<JobStateType>(JobStateType.Pending),
                Version = 1,
                Revision = 1,
                CreateTime = decision.Nanos,
                ModifyTime = decision.Nanos,
            };
            decision.Changes.CreatedJobs.Add(created.ID);
            decision.SaveJob(created);
            decision.JobHistory(created, JobStateType.Undefined, JobStateType.Pending, "Job submitted");
            var evaluation = decision.Reconcile(created, EvaluationTriggers.JobRegister);
            return new PutJobResult(created.ID, evaluation.ID, created.Version, decision.Job(created.ID)!.Revision);
        }, cancellationToken);
    }

    /// <summary>
    /// Runs the job again as its next version, with the spec of its latest version or of <paramref name="version"/>
    /// (0 for the latest); as Bacalhau, not while it is still waiting to start (Pending or Queued).
    /// </summary>
    public async Task<PutJobResult> RerunAsync(string jobId, ulong version, string? reason, CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity("job rerun");
        activity?.SetTag(JobTrace.JobIdTag, jobId);
        return await RunAsync(decision =>
        {
            if (decision.Job(jobId) is not { } job)
            {
                return new PutJobResult(jobId, "", 0, 0, $"job '{jobId}' not found", NotFound: true);
            }

            if (job.State.StateType is JobStateType.Pending or JobStateType.Queued or JobStateType.Undefined)
            {
                return new PutJobResult(jobId, "", job.Version, job.Revision, $"cannot rerun job in state {job.State.StateType}; it has not started yet");
            }

            var spec = version is 0 ? job : _store.GetJobVersions(jobId).FirstOrDefault(v => v.Version == version);
            if (spec is null)
            {
                return new PutJobResult(jobId, "", job.Version, job.Revision, $"JobVersion: job '{jobId}' has no version {version} (its latest is {job.Version})", NotFound: true);
            }

            var message = string.IsNullOrWhiteSpace(reason) ? "job rerun" : $"job rerun: {reason}";
            var rerun = decision.NewVersion(job, spec, message, EvaluationTriggers.JobRerun);
            return new PutJobResult(jobId, rerun.ID, job.Version + 1, decision.Job(jobId)!.Revision);
        }, cancellationToken);
    }

    public async Task<StopJobResult> StopAsync(string jobId, string? reason, CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity("job stop");
        activity?.SetTag(JobTrace.JobIdTag, jobId);
        return await RunAsync(decision =>
        {
            if (decision.Job(jobId) is not { } job)
            {
                return new StopJobResult(null, $"job '{jobId}' not found");
            }

            if (job.State.StateType.IsTerminal())
            {
                return new StopJobResult(null, $"job '{jobId}' is already {job.State.StateType}");
            }

            var stopped = decision.SetJobState(job, new State<JobStateType>(JobStateType.Stopped, string.IsNullOrWhiteSpace(reason) ? "stopped by user" : reason));
            return new StopJobResult(decision.Reconcile(stopped, EvaluationTriggers.JobStop).ID, null);
        }, cancellationToken);
    }

    /// <summary>Applies a message from a compute node; the task completes when its effects are durable.</summary>
    public async Task HandleComputeMessageAsync(InboundMessage message)
    {
        ActivityContext.TryParse(message.TraceParent, null, out var parent);
        using var activity = ActivitySource.StartActivity($"handle {message.Envelope.Type}", ActivityKind.Consumer, parent);
        activity?.SetTag("bacalhau.node.id", message.Peer);
        await RunAsync(decision =>
        {
            decision.Changes.Received = (message.Peer, message.Seq);
            var context = BacalhauJsonContext.Default;
            switch (message.Envelope.Type)
            {
                case MessageTypes.BidResult:
                    var bid = message.Envelope.PayloadAs(context.BidResult);
                    if (decision.ActiveExecution(bid.ExecutionID) is { } bidding)
                    {
                        Tag(activity, bidding);
                        if (bid.Accepted)
                        {
                            decision.UpdateExecution(bidding, ExecutionStateType.Running, "bid accepted; running");
                        }
                        else
                        {
                            decision.UpdateExecution(bidding, ExecutionStateType.BidRejected, $"node {message.Peer} rejected the bid: {bid.Reason}");
                            decision.ReconcileJobOf(bidding, EvaluationTriggers.ExecutionUpdate);
                        }
                    }

                    break;
                case MessageTypes.RunResult:
                    var result = message.Envelope.PayloadAs(context.RunResult);
                    if (decision.ActiveExecution(result.ExecutionID) is { } finished)
                    {
                        Tag(activity, finished);
                        decision.UpdateExecution(finished, ExecutionStateType.Completed, "", e => e with { RunOutput = result.RunCommandResult, PublishedResult = result.PublishResult });
                        decision.ReconcileJobOf(finished, EvaluationTriggers.ExecutionUpdate);
                    }

                    break;
                case MessageTypes.ComputeError:
                    var error = message.Envelope.PayloadAs(context.ComputeError);
                    if (decision.ActiveExecution(error.ExecutionID) is { } failed)
                    {
                        Tag(activity, failed);
                        decision.UpdateExecution(failed, ExecutionStateType.Failed, error.Error);
                        decision.ReconcileJobOf(failed, EvaluationTriggers.RetryFailedExecution);
                    }

                    break;
                default:
                    LogUnknownMessage(_logger, message.Envelope.Type ?? "", message.Peer);
                    break;
            }

            return true;
        }, CancellationToken.None);
    }

    /// <summary>
    /// Sets aside a message from a compute node that can never be handled, counting it as received; when it names a
    /// job of ours, that job's history says why.
    /// </summary>
    public Task DeadLetterAsync(DeadLetter letter, InboundMessage message) => RunAsync(decision =>
    {
        decision.Changes.DeadLetters.Add(letter);
        var payload = message.Envelope.Payload;
        if (NamedId(payload, "JobID") is { } jobId && decision.Job(jobId) is { } job)
        {
            var executionId = NamedId(payload, "ExecutionID");
            decision.Event(job, executionId is not null && decision.ActiveExecution(executionId)?.JobID == jobId ? executionId : "", "Messaging",
                $"message {letter.Seq} ({letter.Type}) from node {letter.Peer} could not be handled and was set aside: {letter.Reason}");
        }

        return true;
    }, CancellationToken.None);

    /// <summary>
    /// Periodic upkeep: fails executions whose node was lost (so they are rescheduled) and revisits jobs that wait
    /// for nodes, or daemon jobs when nodes came or went.
    /// </summary>
    public Task MaintainAsync(CancellationToken cancellationToken) => RunAsync(decision =>
    {
        var now = time.GetUtcNow();
        var graceOver = now - _startedAt > nodeOptions.Value.DisconnectTimeout;
        foreach (var execution in _store.ActiveExecutions())
        {
            var node = _registry.Get(execution.NodeID);
            // A node known from before a restart (never connected since) gets the same grace as an unknown one.
            var lost = node?.ConnectionState.ConnectedSince is null ? graceOver : node.ConnectionState.Status == NodeConnectionStatus.Disconnected;
            if (lost)
            {
                var why = node?.ConnectionState.LastError ?? "it did not reconnect after the orchestrator restarted";
                var reason = $"node {execution.NodeID} was lost: {why}";
                decision.UpdateExecution(execution, ExecutionStateType.Failed, reason);
                // The node may come back. What was queued for it and not started it declines (its StaleWorkGuard);
                // an execution it had started before this, the cancel stops, so it does not complete beside its replacement.
                decision.Send(execution.NodeID, MessageTypes.CancelExecution, new CancelExecutionRequest { ExecutionID = execution.ID, JobID = execution.JobID, Reason = reason }, BacalhauJsonContext.Default.CancelExecutionRequest);
                decision.ReconcileJobOf(execution, EvaluationTriggers.NodeLeave);
            }
        }

        var clusterVersion = _registry.Version;
        var clusterChanged = Interlocked.Exchange(ref _clusterVersionSeen, clusterVersion) != clusterVersion;
        foreach (var job in _store.OpenJobs())
        {
            if (job.State.StateType is JobStateType.Queued or JobStateType.Pending || (clusterChanged && job.Type == JobTypes.Daemon))
            {
                decision.Reconcile(decision.Job(job.ID)!, EvaluationTriggers.NodeJoin, revisit: true);
            }
        }

        return true;
    }, cancellationToken);

    public void Dispose() => _gate.Dispose();

    /// <summary>The IDs of an execution we know, never those a peer's message claims.</summary>
    private static void Tag(Activity? activity, Execution execution)
    {
        activity?.SetTag(JobTrace.JobIdTag, execution.JobID);
        activity?.SetTag(JobTrace.ExecutionIdTag, execution.ID);
    }

    private static string? NamedId(System.Text.Json.JsonElement payload, string property) =>
        payload.ValueKind == System.Text.Json.JsonValueKind.Object
        && payload.TryGetProperty(property, out var value)
        && value.ValueKind == System.Text.Json.JsonValueKind.String
        && value.GetString() is { Length: > 0 and <= 256 } id ? id : null;

    private async Task<T> RunAsync<T>(Func<Decision, T> decide, CancellationToken cancellationToken)
    {
        Decision decision;
        T result;
        Task durable;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            decision = new Decision(this, time.GetUtcNow());
            result = decide(decision);
            durable = decision.Changes.IsEmpty ? Task.CompletedTask : _store.CommitAsync(decision.Changes);
        }
        finally
        {
            _gate.Release();
        }

        await durable;
        // Counted only now: a commit that fails changed nothing.
        metrics.Committed(decision.Changes, decision.SavedJobs);
        channel.Enqueue(decision.Changes.Written);
        return result;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unknown message type {Type} from node {NodeId} ignored")]
    private static partial void LogUnknownMessage(ILogger logger, string type, string nodeId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} is {State}: {Message}")]
    private static partial void LogJobState(ILogger logger, string jobId, JobStateType state, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Execution {ExecutionId} of job {JobId} on node {NodeId} is {State}: {Message}")]
    private static partial void LogExecutionState(ILogger logger, string executionId, string jobId, string nodeId, ExecutionStateType state, string message);

    /// <summary>One decision's working set: reads see its own changes before they are committed.</summary>
    private sealed class Decision(JobCoordinator owner, DateTimeOffset now)
    {
        private readonly Dictionary<string, Job> _jobs = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Execution> _executions = new(StringComparer.Ordinal);

        // Where each execution sits in Changes.Executions: a job of many partitions saves many in one decision.
        private readonly Dictionary<string, int> _changedAt = new(StringComparer.Ordinal);
        private readonly Dictionary<string, ulong> _historySeq = new(StringComparer.Ordinal);
        private ClusterView? _cluster;

        public ChangeSet Changes { get; } = new();

        /// <summary>Every job this decision saved, as it last saved it.</summary>
        public IReadOnlyDictionary<string, Job> SavedJobs => _jobs;

        public long Nanos => UnixNanos.From(now);

        public Job? Job(string id) => _jobs.GetValueOrDefault(id) ?? owner._store.GetJob(id);

        public Execution? ActiveExecution(string id) =>
            (_executions.GetValueOrDefault(id) ?? owner._store.GetActiveExecution(id)) is { IsActive: true } execution ? execution : null;

        public void SaveJob(Job job)
        {
            _jobs[job.ID] = job;
            Changes.Jobs.RemoveAll(j => j.ID == job.ID);
            Changes.Jobs.Add(job);
        }

        public Job SetJobState(Job job, State<JobStateType> state)
        {
            var updated = job with { State = state, Revision = job.Revision + 1, ModifyTime = Nanos };
            SaveJob(updated);
            JobHistory(updated, job.State.StateType, state.StateType, state.Message);
            LogJobState(owner._logger, job.ID, state.StateType, state.Message);
            return updated;
        }

        /// <summary>
        /// Makes <paramref name="spec"/> the next version of <paramref name="current"/>, which is kept as it was, and
        /// plans it: the scheduler replaces executions of earlier versions.
        /// </summary>
        public Evaluation NewVersion(Job current, Job spec, string message, string trigger)
        {
            var updated = spec with
            {
                ID = current.ID,
                State = new State<JobStateType>(JobStateType.Pending, message),
                Version = current.Version + 1,
                Revision = current.Revision + 1,
                CreateTime = current.CreateTime,
                ModifyTime = Nanos,
            };
            Changes.SupersededVersions.Add(current);
            SaveJob(updated);
            JobHistory(updated, current.State.StateType, JobStateType.Pending, $"{message} (version {updated.Version})");
            LogJobState(owner._logger, updated.ID, JobStateType.Pending, message);
            return Reconcile(updated, trigger);
        }

        public void JobHistory(Job job, JobStateType previous, JobStateType next, string message) => AddHistory(new JobHistory
        {
            Type = JobHistoryType.JobLevel,
            JobID = job.ID,
            JobVersion = job.Version,
            JobState = new StateChange<JobStateType>(previous, next),
            Event = new JobEvent { Message = message, Topic = "Job", Timestamp = now },
            Time = now,
        });

        /// <summary>Something that happened to <paramref name="job"/> (or one of its executions) without changing its state.</summary>
        public void Event(Job job, string executionId, string topic, string message) => AddHistory(new JobHistory
        {
            Type = executionId.Length > 0 ? JobHistoryType.ExecutionLevel : JobHistoryType.JobLevel,
            JobID = job.ID,
            JobVersion = job.Version,
            ExecutionID = executionId,
            Event = new JobEvent { Message = message, Topic = topic, Timestamp = now },
            Time = now,
        });

        public Execution UpdateExecution(Execution execution, ExecutionStateType state, string message, Func<Execution, Execution>? change = null)
        {
            var updated = execution with
            {
                ComputeState = new State<ExecutionStateType>(state, message),
                DesiredState = state.IsTerminal() ? new State<ExecutionDesiredStateType>(ExecutionDesiredStateType.Stopped, message) : execution.DesiredState,
                Revision = execution.Revision + 1,
                ModifyTime = Nanos,
            };
            updated = change?.Invoke(updated) ?? updated;
            SaveExecution(updated);
            AddHistory(new JobHistory
            {
                Type = JobHistoryType.ExecutionLevel,
                JobID = execution.JobID,
                JobVersion = execution.JobVersion,
                ExecutionID = execution.ID,
                ExecutionState = new StateChange<ExecutionStateType>(execution.ComputeState.StateType, state),
                Event = new JobEvent { Message = message, Topic = "Execution", Timestamp = now, Details = new() { ["NodeID"] = execution.NodeID } },
                Time = now,
            });
            LogExecutionState(owner._logger, execution.ID, execution.JobID, execution.NodeID, state, message);
            return updated;
        }

        public void ReconcileJobOf(Execution execution, string trigger)
        {
            if (Job(execution.JobID) is not { } job)
            {
                return;
            }

            if (!IsRunningBatchCompletion(job, _executions.GetValueOrDefault(execution.ID) ?? execution))
            {
                Reconcile(job, trigger);
                return;
            }

            var tally = CurrentTally(job);
            if (!LeavesPlanAsIs(job, tally))
            {
                // Nothing failed: the partitions placed so far are settled, and only those never placed are left.
                Reconcile(job, trigger, unstartedFrom: tally.Ended == 0 && tally.NextPartition < job.Count ? tally : null);
            }
        }

        /// <summary>
        /// Plans <paramref name="job"/> again; with <paramref name="revisit"/> (the periodic tick looking at a waiting job)
        /// traced only when that changes something. Given <paramref name="unstartedFrom"/>, the tally of a running batch job
        /// whose placed partitions are all settled, it places the partitions never placed without walking the job's
        /// executions, unless that leaves the job with none under way.
        /// </summary>
        public Evaluation Reconcile(Job job, string trigger, bool revisit = false, ExecutionTally? unstartedFrom = null)
        {
            var started = DateTimeOffset.UtcNow;
            var evaluation = new Evaluation
            {
                ID = $"ev-{Guid.NewGuid():D}",
                Namespace = job.Namespace,
                JobID = job.ID,
                TriggeredBy = trigger,
                Priority = job.Priority,
                Type = job.Type,
                Status = EvaluationStatus.Complete,
                CreateTime = Nanos,
                ModifyTime = Nanos,
            };
            // What is under way as this decision left it: a result it recorded frees its room for the plan at once.
            _cluster ??= new ClusterView(
                owner._registry.List(),
                owner._store.ActiveExecutions().Where(e => !_executions.ContainsKey(e.ID)).Concat(_executions.Values.Where(e => e.IsActive)));
            var plan = unstartedFrom is { } tally ? JobScheduler.PlaceUnstartedPartitions(job, tally, _cluster, now, evaluation.ID) : null;
            if (plan is null || (plan.NewExecutions.Count == 0 && unstartedFrom?.Active == 0))
            {
                plan = owner._scheduler.Reconcile(job, ExecutionsOf(job), _cluster, now, evaluation.ID);
            }

            var newState = plan.NewJobState is { } state && (state.StateType != job.State.StateType || state.Message != job.State.Message) ? state : null;

            // A job waiting in the queue is looked at every second; a span for each look that changes nothing would start
            // a trace a second and bury the jobs' own. Started once the plan is known, before its messages capture it.
            using var activity = revisit && plan.NewExecutions.Count == 0 && plan.StoppedExecutions.Count == 0 && newState is null
                ? null
                : ActivitySource.StartActivity("schedule", ActivityKind.Internal, parentContext: default, startTime: started);
            activity?.SetTag(JobTrace.JobIdTag, job.ID);
            activity?.SetTag("bacalhau.evaluation.trigger", trigger);
            foreach (var execution in plan.NewExecutions)
            {
                SaveExecution(execution);
                Send(execution.NodeID, MessageTypes.AskForBid, new AskForBidRequest { Execution = execution }, BacalhauJsonContext.Default.AskForBidRequest);
                AddHistory(new JobHistory
                {
                    Type = JobHistoryType.ExecutionLevel,
                    JobID = job.ID,
                    JobVersion = job.Version,
                    ExecutionID = execution.ID,
                    ExecutionState = new StateChange<ExecutionStateType>(ExecutionStateType.Undefined, ExecutionStateType.New),
                    Event = new JobEvent { Message = $"Placed on node {execution.NodeID}", Topic = "Scheduling", Timestamp = now, Details = new() { ["NodeID"] = execution.NodeID } },
                    Time = now,
                });
            }

            foreach (var (execution, reason) in plan.StoppedExecutions)
            {
                UpdateExecution(execution, ExecutionStateType.Cancelled, reason);
                Send(execution.NodeID, MessageTypes.CancelExecution, new CancelExecutionRequest { ExecutionID = execution.ID, JobID = job.ID, Reason = reason }, BacalhauJsonContext.Default.CancelExecutionRequest);
            }

            if (newState is not null)
            {
                SetJobState(job, newState);
            }

            activity?.SetTag("bacalhau.executions.new", plan.NewExecutions.Count);
            if (trigger is EvaluationTriggers.JobRegister or EvaluationTriggers.JobUpdate or EvaluationTriggers.JobRerun or EvaluationTriggers.JobStop or EvaluationTriggers.NodeLeave)
            {
                Changes.Evaluations.Add(evaluation);
            }

            return evaluation;
        }

        /// <summary>
        /// The job's stored executions as this decision has changed them so far, then the ones it created. Copied once:
        /// a batch job can have as many executions as partitions.
        /// </summary>
        private List<Execution> ExecutionsOf(Job job)
        {
            var stored = Changes.CreatedJobs.Contains(job.ID) ? [] : owner._store.GetExecutions(job.ID);
            Dictionary<string, Execution>? changed = null;
            foreach (var execution in _executions.Values)
            {
                if (execution.JobID == job.ID)
                {
                    (changed ??= new(StringComparer.Ordinal))[execution.ID] = execution;
                }
            }

            var executions = new List<Execution>(stored.Count + (changed?.Count ?? 0));
            foreach (var execution in stored)
            {
                executions.Add(changed is not null && changed.Remove(execution.ID, out var current) ? current : execution);
            }

            if (changed is not null)
            {
                executions.AddRange(changed.Values);
            }

            return executions;
        }

        private void SaveExecution(Execution execution)
        {
            _executions[execution.ID] = execution;
            if (_changedAt.TryGetValue(execution.ID, out var at))
            {
                Changes.Executions[at] = execution;
            }
            else
            {
                _changedAt[execution.ID] = Changes.Executions.Count;
                Changes.Executions.Add(execution);
            }
        }

        /// <summary>Whether <paramref name="execution"/> is a completion of the current version of a running batch job.</summary>
        private static bool IsRunningBatchCompletion(Job job, Execution execution) =>
            job.Type == JobTypes.Batch && job.State.StateType == JobStateType.Running && execution.JobVersion == job.Version
                && execution.ComputeState.StateType == ExecutionStateType.Completed;

        /// <summary>The store's tally of the job's current version, with what this decision changed and has not committed yet.</summary>
        private ExecutionTally CurrentTally(Job job)
        {
            var tally = owner._store.TallyExecutions(job.ID, job.Version);
            foreach (var changed in _executions.Values.Where(e => e.JobID == job.ID && e.JobVersion == job.Version))
            {
                tally = (owner._store.GetActiveExecution(changed.ID) is { } before ? tally.With(before, -1) : tally).With(changed, 1);
            }

            return tally;
        }

        /// <summary>
        /// Whether a completion of a running batch job, counted in <paramref name="tally"/>, can leave the job's plan as it
        /// is: other executions are under way, and either every partition has one under way or completed (at most one of
        /// each per partition), so a plan would change nothing, or most of a wave is still under way, so the next
        /// partitions can wait. The last one to finish still plans. While nothing has failed, placing the next partitions
        /// reads only the tally, so the wave is topped up once an eighth of it has ended (a fuller wave keeps the nodes
        /// busier); otherwise a plan walks every execution of the job, and waits until half a wave has ended.
        /// </summary>
        private static bool LeavesPlanAsIs(Job job, ExecutionTally tally) =>
            tally.Active > 0 && (tally.Active + tally.Completed == Math.Max(job.Count, 1)
                || tally.Active > JobScheduler.MaxInFlight - (tally.Ended == 0 ? JobScheduler.MaxInFlight / 8 : JobScheduler.MaxInFlight / 2));

        public void Send<T>(string nodeId, string type, T payload, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
            Changes.Messages.Add(MessageOutbox.Create(nodeId, type, payload, typeInfo));

        private void AddHistory(JobHistory entry)
        {
            var seq = _historySeq.TryGetValue(entry.JobID, out var last) ? last + 1
                : Changes.CreatedJobs.Contains(entry.JobID) ? 1 : owner._store.NextHistorySeq(entry.JobID);
            _historySeq[entry.JobID] = seq;
            Changes.History.Add(entry with { SeqNum = seq });
        }
    }
}

/// <summary>A submission or rerun: the job, its evaluation and version, or why it was refused (<paramref name="NotFound"/>: nothing by that name).</summary>
/// <summary>What a submission or rerun decided; <c>Revision</c> is the job's revision once the decision is made.</summary>
public sealed record PutJobResult(string JobId, string EvaluationId, ulong Version, ulong Revision, string? Error = null, bool NotFound = false);

public sealed record StopJobResult(string? EvaluationId, string? Error);

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Bacalhau.Compute.Executors;
using Bacalhau.Compute.Inputs;
using Bacalhau.Compute.Logs;
using Bacalhau.Compute.Metrics;
using Bacalhau.Compute.Nodes;
using Bacalhau.Compute.Publishers;
using Bacalhau.Compute.Storage;
using Bacalhau.Compute.Transport;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Bacalhau.JobSpecs;
using Bacalhau.Messaging;
using Microsoft.Extensions.Options;

namespace Bacalhau.Compute.Executions;

/// <summary>
/// Bids for the executions the orchestrator offers and runs the accepted ones. Every state change is stored with
/// the message that reports it before anything is sent, so results survive a crash of this node.
/// </summary>
public sealed partial class ExecutionManager(
    ExecutionStore store,
    OrchestratorChannel channel,
    EngineCatalog engines,
    InputStager inputs,
    IEnumerable<IPublisher> publishers,
    ExecutionLogFiles logFiles,
    ComputeIdentity identity,
    NodeInfoProvider nodeInfo,
    IOptions<JobAdmissionControlOptions> admission,
    StaleWorkGuard staleWork,
    ComputeMetrics metrics,
    TimeProvider time,
    ILogger<ExecutionManager> logger)
{
    public const string OrchestratorPeer = "orchestrator";
    private const string NoopPublisherType = "noop";
    private static readonly TimeSpan MaxFinishRetryDelay = TimeSpan.FromSeconds(10);
    public static readonly ActivitySource ActivitySource = new("Bacalhau.Compute.Executions");

    private readonly Dictionary<string, IPublisher> _publishers = publishers.ToDictionary(p => p.Type, StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Running> _running = Observed(metrics, new(StringComparer.Ordinal));
    private readonly Lock _bidLock = new();

    /// <summary>Capacity not taken by running executions; reported in heartbeats.</summary>
    public Resources AvailableCapacity
    {
        get
        {
            var max = nodeInfo.Capacity;
            var used = Allocated();
            return new Resources { CPU = max.CPU - used.CPU, Memory = max.Memory - used.Memory, Disk = max.Disk - used.Disk, GPU = max.GPU - used.GPU };
        }
    }

    /// <summary>Executions left unfinished by a previous run of this node cannot be resumed: report them failed.</summary>
    public async Task RecoverAsync()
    {
        foreach (var execution in store.Unfinished())
        {
            LogRecovered(logger, execution.ID);
            await FinishAsync(execution, ExecutionStateType.Failed, "the compute node restarted while the execution was running", null, null);
        }
    }

    /// <summary>Applies one message from the orchestrator; the task completes when its effects are durable.</summary>
    public Task HandleAsync(InboundMessage message)
    {
        ActivityContext.TryParse(message.TraceParent, null, out var parent);
        var context = BacalhauJsonContext.Default;
        switch (message.Envelope.Type)
        {
            case MessageTypes.AskForBid:
                return BidAsync(message.Envelope.PayloadAs(context.AskForBidRequest).Execution, message, parent);
            case MessageTypes.CancelExecution:
                var cancel = message.Envelope.PayloadAs(context.CancelExecutionRequest);
                if (_running.TryGetValue(cancel.ExecutionID, out var running))
                {
                    running.Cancel(cancel.Reason);
                }

                return store.MarkReceivedAsync(message);
            default:
                LogIgnored(logger, message.Envelope.Type ?? "");
                return store.MarkReceivedAsync(message);
        }
    }

    private async Task BidAsync(Execution offered, InboundMessage message, ActivityContext parent)
    {
        using var activity = ActivitySource.StartActivity("bid", ActivityKind.Consumer, parent);
        activity?.SetTag(JobTrace.ExecutionIdTag, offered.ID);
        activity?.SetTag(JobTrace.JobIdTag, offered.JobID);
        if (store.Get(offered.ID) is not null)
        {
            await store.MarkReceivedAsync(message);
            return;
        }

        string? rejection;
        Execution recorded;
        Running? running = null;
        lock (_bidLock)
        {
            rejection = staleWork.Refusal(message.Seq) ?? Assess(offered);
            recorded = offered with
            {
                ComputeState = new State<ExecutionStateType>(rejection is null ? ExecutionStateType.Running : ExecutionStateType.BidRejected, rejection ?? ""),
                ModifyTime = UnixNanos.From(time.GetUtcNow()),
            };
            if (rejection is null)
            {
                _running[offered.ID] = running = new Running(recorded, engines.Find(offered.Job!.Tasks[0].Engine.Type)!.Engine);
            }
        }

        activity?.SetTag("bacalhau.bid.accepted", rejection is null);
        var reply = MessageOutbox.Create(OrchestratorPeer, MessageTypes.BidResult, new BidResult
        {
            ExecutionID = offered.ID,
            JobID = offered.JobID,
            Accepted = rejection is null,
            Reason = rejection ?? "",
        }, BacalhauJsonContext.Default.BidResult);
        var durable = store.SaveAsync(recorded, reply, message);
        if (running is not null)
        {
            // Run while the bid commits: the result is written after it (one writer, in order) and sent after it.
            var context = activity?.Context ?? parent;
            _ = Task.Run(() => RunAsync(running, context, durable));
        }

        OutboxEntry? written;
        try
        {
            written = await durable;
        }
        catch when (running is not null)
        {
            // Not recorded, so not acknowledged: the orchestrator asks again, and this node bids afresh.
            _running.TryRemove(KeyValuePair.Create(offered.ID, running));
            running.Cancel("the bid could not be recorded");
            throw;
        }

        metrics.BidRecorded(running is not null);
        channel.Enqueue([written!]);
    }

    /// <summary>Why this node cannot take <paramref name="execution"/>, or null when it can.</summary>
    private string? Assess(Execution execution)
    {
        // The ID names the execution's directories on this node.
        if (SandboxPaths.NameProblem(execution.ID) is { } badId)
        {
            return $"the execution ID cannot name a directory: {badId}";
        }

        if (execution.Job?.Tasks.FirstOrDefault()?.Network is { } network && NetworkAdmission.Problem(network, admission.Value.AcceptNetworkedJobs) is { } refused)
        {
            return refused;
        }

        var engine = execution.Job?.Tasks.FirstOrDefault()?.Engine.Type ?? "";
        if (engines.Find(engine) is null)
        {
            return $"engine '{engine}' is not available on this node (available: {string.Join(", ", engines.Engines)})";
        }

        if (execution.Job?.Tasks.FirstOrDefault() is { } task && inputs.Problem(task) is { } inputProblem)
        {
            return inputProblem;
        }

        var publisher = execution.Job?.Tasks.FirstOrDefault()?.Publisher?.Type is { Length: > 0 } type ? type : NoopPublisherType;
        if (!_publishers.TryGetValue(publisher, out var found) || !found.IsAvailable)
        {
            return $"publisher '{publisher}' is not available on this node (available: {string.Join(", ", _publishers.Values.Where(p => p.IsAvailable).Select(p => p.Type))})";
        }

        var available = AvailableCapacity;
        var wanted = execution.AllocatedResources;
        return wanted.CPU > available.CPU + 1e-9 || wanted.Memory > available.Memory || wanted.Disk > available.Disk || wanted.GPU > available.GPU
            ? $"not enough free capacity (wanted {wanted}, available {available})"
            : null;
    }

    /// <summary>
    /// Runs an accepted execution and reports how it ended. Started without being awaited, so it never throws: every
    /// failure of the run is a failed execution, and the report is retried until it is durable.
    /// </summary>
    private async Task RunAsync(Running running, ActivityContext parent, Task bidRecorded)
    {
        var execution = running.Execution;
        var started = time.GetTimestamp();
        try
        {
            var (state, message, result, published) = await ExecuteAsync(running, parent);
            try
            {
                await bidRecorded;
            }
            catch (Exception)
            {
                // The bid was not recorded and the orchestrator asks again: this run is not to be reported.
                LogRunDiscarded(logger, execution.ID);
                return;
            }

            await FinishDurablyAsync(execution, state, message, result, published);
            metrics.ExecutionRecorded(running.Engine, state, time.GetElapsedTime(started));
        }
        catch (Exception ex)
        {
            LogRunFailed(logger, execution.ID, ex.Message);
        }
    }

    private async Task<(ExecutionStateType State, string Message, RunCommandResult? Result, SpecConfig? Published)> ExecuteAsync(Running running, ActivityContext parent)
    {
        var execution = running.Execution;
        using var activity = ActivitySource.StartActivity("execute", ActivityKind.Internal, parent);
        activity?.SetTag(JobTrace.ExecutionIdTag, execution.ID);
        activity?.SetTag(JobTrace.JobIdTag, execution.JobID);
        var timeout = execution.Job?.Tasks.FirstOrDefault()?.Timeouts.ExecutionTimeout ?? 0;
        var workingDirectory = Path.Combine(identity.DataDir, "executions", execution.ID);
        try
        {
            var task = execution.Job!.Tasks[0];
            activity?.SetTag("bacalhau.engine", task.Engine.Type);
            if (timeout > 0)
            {
                running.TimeoutAfter(TimeSpan.FromSeconds(timeout));
            }

            var request = await PrepareAsync(execution, workingDirectory, running.Token);
            var result = await engines.Find(task.Engine.Type)!.RunAsync(request, running.Token);
            if (result.ExitCode != 0 && string.IsNullOrEmpty(result.ErrorMsg))
            {
                result = result with { ErrorMsg = $"exited with code {result.ExitCode}" };
            }

            var publisher = _publishers[task.Publisher?.Type is { Length: > 0 } type ? type : NoopPublisherType];
            var published = await publisher.PublishAsync(request, result, running.Token);
            return (ExecutionStateType.Completed, "", result, published);
        }
        catch (OperationCanceledException) when (running.Token.IsCancellationRequested)
        {
            return (running.CancelReason is null ? ExecutionStateType.Failed : ExecutionStateType.Cancelled,
                running.CancelReason ?? $"execution timed out after {timeout} s", null, null);
        }
        catch (ExecutionFailedException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            return (ExecutionStateType.Failed, ex.Message, ex.Result, null);
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            return (ExecutionStateType.Failed, ex.Message, null, null);
        }
        finally
        {
            _running.TryRemove(KeyValuePair.Create(execution.ID, running));
            running.Dispose();
            DeleteQuietly(workingDirectory);
        }
    }

    /// <summary>Reports the end of a run; a commit that fails for a passing reason (a full disk) is tried again until it lands.</summary>
    private async Task FinishDurablyAsync(Execution execution, ExecutionStateType state, string message, RunCommandResult? result, SpecConfig? published)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                await FinishAsync(execution, state, message, result, published);
                return;
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                LogFinishRetried(logger, execution.ID, delay, ex.Message);
                await Task.Delay(delay, time);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxFinishRetryDelay.Ticks));
            }
        }
    }

    /// <summary>Stages inputs and creates result directories under the execution's own working directory.</summary>
    private async Task<ExecutionRequest> PrepareAsync(Execution execution, string workingDirectory, CancellationToken cancellationToken)
    {
        var task = execution.Job!.Tasks[0];
        ExecutionSandbox.ThrowIfUnsafe(task);
        var staged = await inputs.StageAsync(task, workingDirectory, cancellationToken);
        var results = ExecutionSandbox.CreateResultDirectories(workingDirectory, task.ResultPaths);
        var (stdout, stderr) = logFiles.For(execution.ID);
        return new ExecutionRequest(execution, workingDirectory, staged, results, stdout, stderr);
    }

    private void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogCleanupFailed(logger, directory, ex.Message);
        }
    }

    private async Task FinishAsync(Execution execution, ExecutionStateType state, string message, RunCommandResult? result, SpecConfig? published)
    {
        var finished = execution with
        {
            ComputeState = new State<ExecutionStateType>(state, message),
            RunOutput = result,
            PublishedResult = published,
            ModifyTime = UnixNanos.From(time.GetUtcNow()),
        };
        // A cancelled execution was already settled by the orchestrator; it needs no report.
        OutboundMessage? report = state switch
        {
            ExecutionStateType.Completed => MessageOutbox.Create(OrchestratorPeer, MessageTypes.RunResult, new RunResult
            {
                ExecutionID = execution.ID,
                JobID = execution.JobID,
                RunCommandResult = result ?? new RunCommandResult(),
                PublishResult = published,
            }, BacalhauJsonContext.Default.RunResult),
            ExecutionStateType.Failed => MessageOutbox.Create(OrchestratorPeer, MessageTypes.ComputeError, new ComputeError
            {
                ExecutionID = execution.ID,
                JobID = execution.JobID,
                Error = message,
            }, BacalhauJsonContext.Default.ComputeError),
            _ => null,
        };
        if (await store.SaveAsync(finished, report, null) is { } written)
        {
            channel.Enqueue([written]);
        }

        LogFinished(logger, execution.ID, state, message);
    }

    private static ConcurrentDictionary<string, Running> Observed(ComputeMetrics metrics, ConcurrentDictionary<string, Running> running)
    {
        // Read when the exporter collects, not per execution: enumerating the dictionary takes no lock.
        metrics.ObserveRunning(() => running.Values
            .GroupBy(r => r.Engine, StringComparer.Ordinal)
            .Select(g => new Measurement<int>(g.Count(), new KeyValuePair<string, object?>("bacalhau.engine", g.Key))));
        return running;
    }

    private Resources Allocated()
    {
        var used = Resources.Zero;
        foreach (var running in _running.Values)
        {
            var r = running.Execution.AllocatedResources;
            used = new Resources { CPU = used.CPU + r.CPU, Memory = used.Memory + r.Memory, Disk = used.Disk + r.Disk, GPU = used.GPU + r.GPU };
        }

        return used;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Execution {ExecutionId} {State} {Message}")]
    private static partial void LogFinished(ILogger logger, string executionId, ExecutionStateType state, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Execution {ExecutionId} was unfinished when this node stopped; reporting it failed")]
    private static partial void LogRecovered(ILogger logger, string executionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove {Directory}: {Error}")]
    private static partial void LogCleanupFailed(ILogger logger, string directory, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Execution {ExecutionId} ran but its bid was not recorded; it runs again when the orchestrator asks again")]
    private static partial void LogRunDiscarded(ILogger logger, string executionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Execution {ExecutionId} could not be reported: {Error}")]
    private static partial void LogRunFailed(ILogger logger, string executionId, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recording the end of execution {ExecutionId} failed; trying again in {Delay}: {Error}")]
    private static partial void LogFinishRetried(ILogger logger, string executionId, TimeSpan delay, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Message of type {Type} ignored")]
    private static partial void LogIgnored(ILogger logger, string type);

    /// <summary>An execution in progress and the means to stop it.</summary>
    private sealed class Running(Execution execution, string engine) : IDisposable
    {
        private readonly CancellationTokenSource _cancellation = new();

        public Execution Execution { get; } = execution;

        /// <summary>The engine's name as this node's catalog spells it.</summary>
        public string Engine { get; } = engine;

        public CancellationToken Token => _cancellation.Token;

        public string? CancelReason { get; private set; }

        public void Cancel(string reason)
        {
            CancelReason = string.IsNullOrEmpty(reason) ? "cancelled by the orchestrator" : reason;
            try
            {
                _cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The run has already ended.
            }
        }

        public void TimeoutAfter(TimeSpan timeout) => _cancellation.CancelAfter(timeout);

        public void Dispose() => _cancellation.Dispose();
    }
}

using System.Text.Json.Serialization;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Messaging;
using Bacalhau.Orchestrator.Storage;

namespace Bacalhau.Orchestrator.Cluster.Log;

/// <summary>
/// One change of the orchestrator's durable state as the replicated log records it. Every replica applies the
/// operations in log order through the same store code, so they all end with the same state and outbox numbering.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "Op")]
[JsonDerivedType(typeof(CommitOperation), "Commit")]
[JsonDerivedType(typeof(SaveNodeOperation), "SaveNode")]
[JsonDerivedType(typeof(DeleteNodeOperation), "DeleteNode")]
[JsonDerivedType(typeof(AcknowledgedOperation), "Acknowledged")]
[JsonDerivedType(typeof(ResumeOperation), "Resume")]
[JsonDerivedType(typeof(TermStartedOperation), "TermStarted")]
internal abstract record StateOperation;

/// <summary>
/// One decision, as <see cref="IJobStore.CommitAsync"/> received it; executions without their job, which is stored
/// once. <paramref name="SupersededVersions"/> came later: an entry written before it has none.
/// </summary>
internal sealed record CommitOperation(
    List<Job> Jobs,
    List<string> CreatedJobs,
    List<Execution> Executions,
    List<Evaluation> Evaluations,
    List<JobHistory> History,
    [property: JsonConverter(typeof(OutboundMessageConverter))] List<OutboundMessage> Messages,
    List<DeadLetter> DeadLetters,
    string? ReceivedPeer,
    ulong ReceivedSeq,
    List<Job>? SupersededVersions = null) : StateOperation
{
    public static CommitOperation From(ChangeSet changes) => new(
        changes.Jobs,
        [.. changes.CreatedJobs],
        [.. changes.Executions.Select(e => e with { Job = null })],
        changes.Evaluations,
        changes.History,
        changes.Messages,
        changes.DeadLetters,
        changes.Received?.Peer,
        changes.Received?.Seq ?? 0,
        changes.SupersededVersions);

    /// <summary>The change set again; executions get their job from <paramref name="jobOf"/> (the state as applied so far).</summary>
    public ChangeSet ToChangeSet(Func<string, Job?> jobOf)
    {
        var changes = new ChangeSet();
        changes.Jobs.AddRange(Jobs);
        changes.CreatedJobs.UnionWith(CreatedJobs);
        changes.SupersededVersions.AddRange(SupersededVersions ?? []);
        var jobs = Jobs.ToDictionary(j => j.ID, StringComparer.Ordinal);
        changes.Executions.AddRange(Executions.Select(e => e with { Job = jobs.GetValueOrDefault(e.JobID) ?? jobOf(e.JobID) }));
        changes.Evaluations.AddRange(Evaluations);
        changes.History.AddRange(History);
        changes.Messages.AddRange(Messages);
        changes.DeadLetters.AddRange(DeadLetters);
        changes.Received = ReceivedPeer is null ? null : (ReceivedPeer, ReceivedSeq);
        return changes;
    }
}

internal sealed record SaveNodeOperation(NodeState Node) : StateOperation;

internal sealed record DeleteNodeOperation(string NodeId) : StateOperation;

/// <summary>A peer acknowledged the orchestrator's messages up to <paramref name="UpTo"/>: they leave the outbox.</summary>
internal sealed record AcknowledgedOperation(string Peer, ulong UpTo) : StateOperation;

/// <summary>A peer's handshake told what it processed; numbering to it goes on from at least there.</summary>
internal sealed record ResumeOperation(string Peer, ulong ProcessedByPeer) : StateOperation;

/// <summary>An orchestrator took the lead: written before it acts, it fences every earlier leader's appends.</summary>
internal sealed record TermStartedOperation(long Term, string NodeId) : StateOperation;

/// <summary>One message of the log: operations in commit order, appended together (group commit).</summary>
internal sealed record StateBatch(List<StateOperation> Operations)
{
    /// <summary>What an entry that did not follow the one it expected applies: nothing, though its sequence counts as applied.</summary>
    public static StateBatch Unchained => new([]);
}

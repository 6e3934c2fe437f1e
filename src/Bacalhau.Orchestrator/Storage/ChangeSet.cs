using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Messaging;

namespace Bacalhau.Orchestrator.Storage;

/// <summary>Everything one decision changes, written in one transaction: state, history and the messages it implies.</summary>
public sealed class ChangeSet
{
    public List<Job> Jobs { get; } = [];

    /// <summary>IDs of the jobs this change set creates (the others in <see cref="Jobs"/> exist already).</summary>
    public HashSet<string> CreatedJobs { get; } = new(StringComparer.Ordinal);

    /// <summary>Jobs as they were before this change set gave them a new version; kept as that version.</summary>
    public List<Job> SupersededVersions { get; } = [];
    public List<Execution> Executions { get; } = [];
    public List<Evaluation> Evaluations { get; } = [];
    public List<JobHistory> History { get; } = [];
    public List<OutboundMessage> Messages { get; } = [];

    /// <summary>The <see cref="Messages"/> as numbered and written by the transaction; to send once it commits.</summary>
    public List<OutboxEntry> Written { get; } = [];

    /// <summary>Inbound messages this change set sets aside; each counts as received.</summary>
    public List<DeadLetter> DeadLetters { get; } = [];

    /// <summary>The inbound message this change set processes, recorded so that it is never applied twice.</summary>
    public (string Peer, ulong Seq)? Received { get; set; }

    public bool IsEmpty => Jobs.Count == 0 && SupersededVersions.Count == 0 && Executions.Count == 0 && Evaluations.Count == 0 && History.Count == 0 && Messages.Count == 0 && Received is null && DeadLetters.Count == 0;
}

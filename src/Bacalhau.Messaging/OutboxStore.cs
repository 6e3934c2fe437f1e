using Bacalhau.Storage;

namespace Bacalhau.Messaging;

/// <summary>What an <see cref="OrderedChannel"/> needs of a node's database: its outbox and its one writer.</summary>
public interface IOutboxStore
{
    MessageOutbox Outbox { get; }

    GroupCommitWriter Writer { get; }
}

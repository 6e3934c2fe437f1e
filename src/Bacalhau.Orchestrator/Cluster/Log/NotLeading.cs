using Microsoft.Data.Sqlite;

namespace Bacalhau.Orchestrator.Cluster.Log;

/// <summary>The journal of an orchestrator that does not lead: only the log changes its state, so every change fails.</summary>
internal sealed class NotLeading : IStateJournal
{
    public static readonly NotLeading Journal = new();

    public Task RecordAsync(StateOperation operation, Action<SqliteConnection, SqliteTransaction> persist) =>
        Task.FromException(new NotLeaderException());
}

/// <summary>A change was asked of an orchestrator that does not lead (any more); the leader makes it.</summary>
public sealed class NotLeaderException() : InvalidOperationException("this orchestrator does not lead its cluster; the leader records changes");

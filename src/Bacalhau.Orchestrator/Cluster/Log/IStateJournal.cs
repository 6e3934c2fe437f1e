using Microsoft.Data.Sqlite;

namespace Bacalhau.Orchestrator.Cluster.Log;

/// <summary>Where a replicated orchestrator's changes go before its own database: the replicated log.</summary>
internal interface IStateJournal
{
    /// <summary>
    /// Appends <paramref name="operation"/> to the log, then runs <paramref name="persist"/> in the local database in
    /// log order; completes when both are durable, fails when this orchestrator may no longer append.
    /// </summary>
    Task RecordAsync(StateOperation operation, Action<SqliteConnection, SqliteTransaction> persist);
}

using Bacalhau.Storage;
using Microsoft.Data.Sqlite;

namespace Bacalhau.Orchestrator.Cluster.Log;

/// <summary>
/// The last log sequence a replica's database applied, written in the transaction of the operations it applies, so
/// that after a restart the replica reads the log on from exactly there.
/// </summary>
internal static class AppliedSequence
{
    public static void Create(SqliteConnection connection) => SqliteDatabase.Execute(connection, """
        CREATE TABLE IF NOT EXISTS state_log(id INTEGER PRIMARY KEY CHECK (id = 1), applied INTEGER NOT NULL);
        """);

    public static ulong Read(SqliteConnection connection) =>
        (ulong)SqliteDatabase.Scalar(connection, "SELECT COALESCE(MAX(applied), 0) FROM state_log");

    /// <summary>One local write: every operation of one log message, then its sequence as applied.</summary>
    public static Action<SqliteConnection, SqliteTransaction> Persisting(IReadOnlyList<Action<SqliteConnection, SqliteTransaction>> persists, ulong sequence) =>
        (connection, transaction) =>
        {
            foreach (var persist in persists)
            {
                persist(connection, transaction);
            }

            var command = SqliteDatabase.Prepared(connection, transaction, "INSERT INTO state_log(id, applied) VALUES (1, $seq) ON CONFLICT(id) DO UPDATE SET applied = excluded.applied");
            command.Parameters.AddWithValue("$seq", (long)sequence);
            command.ExecuteNonQuery();
        };
}

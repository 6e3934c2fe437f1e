using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Bacalhau.Storage;

/// <summary>Opens a node's embedded SQLite database tuned for one writer and many small transactions.</summary>
public static class SqliteDatabase
{
    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteCommand>> PreparedCommands = new();

    public static SqliteConnection Open(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var connection = Connect(path, SqliteOpenMode.ReadWriteCreate, pooling: false);
        // WAL + NORMAL: a commit survives a process crash (not a power cut) at the cost of one fsync per checkpoint,
        // which is what lets group commit reach thousands of changes per second.
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;");
        return connection;
    }

    /// <summary>
    /// A read-only connection to a database another connection writes; pooled, so opening one per read is cheap.
    /// WAL lets it read the last commit while the writer works.
    /// </summary>
    public static SqliteConnection OpenReader(string path) => Connect(path, SqliteOpenMode.ReadOnly, pooling: true);

    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The command for <paramref name="sql"/> on a writer's connection, in <paramref name="transaction"/> with no
    /// parameters yet. It is prepared once and kept with the connection: parsing a small statement costs more than
    /// running it. Not to be disposed by the caller, and only for connections that are not pooled.
    /// </summary>
    public static SqliteCommand Prepared(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var commands = PreparedCommands.GetOrCreateValue(connection);
        if (!commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            commands.Add(sql, command);
        }

        command.Transaction = transaction;
        command.Parameters.Clear();
        return command;
    }

    private static SqliteConnection Connect(string path, SqliteOpenMode mode, bool pooling)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = pooling }.ToString());
        connection.Open();
        return connection;
    }
}

using Microsoft.Data.Sqlite;

namespace Bacalhau.Orchestrator.Nodes;

/// <summary>
/// Which key each node ID enrolled with, kept in the orchestrator's data dir: the first enrollment of an ID binds
/// it, and only that key may enroll it again. Enrollments are rare (once per node start), so each opens the file.
/// </summary>
public sealed class NodeKeyBindings
{
    private readonly string _connectionString;
    private readonly Lock _lock = new();

    public NodeKeyBindings(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        using var connection = Open();
        using var create = connection.CreateCommand();
        create.CommandText = "CREATE TABLE IF NOT EXISTS node_keys(node_id TEXT PRIMARY KEY, public_key BLOB NOT NULL)";
        create.ExecuteNonQuery();
    }

    /// <summary>Binds <paramref name="nodeId"/> to <paramref name="publicKey"/> unless bound already; true when bound to it.</summary>
    public bool Bind(string nodeId, byte[] publicKey)
    {
        lock (_lock)
        {
            using var connection = Open();
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT OR IGNORE INTO node_keys(node_id, public_key) VALUES ($id, $key); SELECT public_key FROM node_keys WHERE node_id = $id";
            insert.Parameters.AddWithValue("$id", nodeId);
            insert.Parameters.AddWithValue("$key", publicKey);
            return insert.ExecuteScalar() is byte[] bound && bound.AsSpan().SequenceEqual(publicKey);
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }
}

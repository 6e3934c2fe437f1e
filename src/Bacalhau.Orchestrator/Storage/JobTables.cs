using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Messaging;
using Bacalhau.Storage;
using Microsoft.Data.Sqlite;

namespace Bacalhau.Orchestrator.Storage;

/// <summary>
/// The orchestrator's tables: every job, execution, evaluation and history entry as a JSON body, with the columns
/// that lookups and paging need. Writes run inside the group-commit writer's transactions; reads use pooled
/// read-only connections and see the last commit.
/// </summary>
internal sealed class JobTables(string path)
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS jobs(id TEXT PRIMARY KEY, body TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS executions(job_time INTEGER NOT NULL, job_id TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL,
            PRIMARY KEY(job_time, job_id, id));
        CREATE TABLE IF NOT EXISTS evaluations(job_time INTEGER NOT NULL, id TEXT NOT NULL, job_id TEXT NOT NULL, body TEXT NOT NULL,
            PRIMARY KEY(job_time, id));
        CREATE TABLE IF NOT EXISTS history(job_time INTEGER NOT NULL, job_id TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL,
            PRIMARY KEY(job_time, job_id, seq));
        CREATE TABLE IF NOT EXISTS nodes(id TEXT PRIMARY KEY, body TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS job_versions(job_id TEXT NOT NULL, version INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY(job_id, version));
        """;

    // Columns added after the first schema; filled from the stored bodies when an older database is opened.
    private const string JobColumns = """
        ALTER TABLE jobs ADD COLUMN create_time INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE jobs ADD COLUMN open INTEGER NOT NULL DEFAULT 1;
        UPDATE jobs SET create_time = json_extract(body, '$.CreateTime'),
            open = json_extract(body, '$.State.StateType') NOT IN ('Completed', 'Failed', 'Stopped');
        """;

    // A job's name and namespace never change, so they are columns of their own, set once: an index on an expression
    // of the body was rewritten, on a page of its own, at every state change. The earlier indexes keyed by the random
    // ID, or by the body, are replaced.
    private const string NameColumns = """
        ALTER TABLE jobs ADD COLUMN namespace TEXT NOT NULL DEFAULT '';
        ALTER TABLE jobs ADD COLUMN name TEXT NOT NULL DEFAULT '';
        UPDATE jobs SET namespace = coalesce(json_extract(body, '$.Namespace'), ''), name = coalesce(json_extract(body, '$.Name'), '');
        DROP INDEX IF EXISTS jobs_by_name;
        DROP INDEX IF EXISTS open_jobs;
        """;

    // Executions, history and evaluations are keyed by their job's creation time first, so that the entries written
    // for the jobs under way share the last pages of one index: keyed by random IDs, each job's went to pages of their
    // own at every commit. An execution is only ever looked up by its job, so one index serves both.
    private const string TimeKeyedTables = """
        CREATE TABLE executions_by_time(job_time INTEGER NOT NULL, job_id TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL,
            PRIMARY KEY(job_time, job_id, id));
        INSERT OR REPLACE INTO executions_by_time SELECT coalesce(j.create_time, 0), e.job_id, e.id, e.body FROM executions e LEFT JOIN jobs j ON j.id = e.job_id;
        DROP TABLE executions;
        ALTER TABLE executions_by_time RENAME TO executions;
        CREATE TABLE history_by_time(job_time INTEGER NOT NULL, job_id TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL,
            PRIMARY KEY(job_time, job_id, seq));
        INSERT OR REPLACE INTO history_by_time SELECT coalesce(j.create_time, 0), h.job_id, h.seq, h.body FROM history h LEFT JOIN jobs j ON j.id = h.job_id;
        DROP TABLE history;
        ALTER TABLE history_by_time RENAME TO history;
        CREATE TABLE evaluations_by_time(job_time INTEGER NOT NULL, id TEXT NOT NULL, job_id TEXT NOT NULL, body TEXT NOT NULL,
            PRIMARY KEY(job_time, id));
        INSERT OR REPLACE INTO evaluations_by_time SELECT coalesce(j.create_time, 0), e.id, e.job_id, e.body FROM evaluations e LEFT JOIN jobs j ON j.id = e.job_id;
        DROP TABLE evaluations;
        ALTER TABLE evaluations_by_time RENAME TO evaluations;
        """;

    // Read in the transaction that writes the entry, after the job's own row.
    private const string JobTimeOf = "(SELECT create_time FROM jobs WHERE id = $job)";

    // Keyed by time, so that the entries of the jobs under way share the last pages of each index. A job given no name
    // is named after its ID and found by it, so only named jobs are in the name index.
    private const string Indexes = """
        CREATE INDEX IF NOT EXISTS jobs_by_create_time ON jobs(create_time, id);
        CREATE INDEX IF NOT EXISTS open_jobs_by_create_time ON jobs(create_time) WHERE open = 1;
        CREATE INDEX IF NOT EXISTS named_jobs ON jobs(namespace, name, create_time) WHERE name <> id;
        """;

    // Updates in place rather than INSERT OR REPLACE, which deletes and re-inserts the row under a new rowid and so
    // rewrites an entry in every index, each on a page of its own, for every state change. An update sets the body
    // alone: SQLite rewrites the entry of every index on a column it sets, even to the same value.
    private const string JobUpsert = """
        INSERT INTO jobs(id, create_time, open, namespace, name, body) VALUES ($id, $time, $open, $namespace, $name, $body)
            ON CONFLICT(id) DO UPDATE SET body = excluded.body
        """;

    // So the open-jobs index is written only when a job finishes or is started again.
    private const string JobOpenUpdate = "UPDATE jobs SET open = $open WHERE id = $id AND open <> $open";

    private const string ExecutionUpsert = $"""
        INSERT INTO executions(job_time, job_id, id, body) VALUES ({JobTimeOf}, $job, $id, $body)
            ON CONFLICT(job_time, job_id, id) DO UPDATE SET body = excluded.body
        """;

    private static BacalhauJsonContext Context => BacalhauJsonContext.Default;

    public static void Create(SqliteConnection connection)
    {
        SqliteDatabase.Execute(connection, Schema);
        MigrateUnless(connection, "jobs", "open", JobColumns);
        MigrateUnless(connection, "jobs", "name", NameColumns);
        MigrateUnless(connection, "history", "job_time", TimeKeyedTables);
        SqliteDatabase.Execute(connection, Indexes);
    }

    /// <summary>Runs <paramref name="migration"/> in one transaction unless <paramref name="table"/> already has <paramref name="column"/>, the mark of its schema.</summary>
    private static void MigrateUnless(SqliteConnection connection, string table, string column, string migration)
    {
        if (SqliteDatabase.Scalar(connection, $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'") > 0)
        {
            return;
        }

        using var transaction = connection.BeginTransaction();
        SqliteDatabase.Execute(connection, migration, transaction);
        transaction.Commit();
    }

    public static void Persist(SqliteConnection connection, SqliteTransaction transaction, ChangeSet changes, MessageOutbox outbox)
    {
        foreach (var job in changes.Jobs)
        {
            var open = !job.State.StateType.IsTerminal();
            Write(connection, transaction, JobUpsert, job, Context.Job, p =>
            {
                p.AddWithValue("$id", job.ID);
                p.AddWithValue("$time", job.CreateTime);
                p.AddWithValue("$open", open);
                p.AddWithValue("$namespace", job.Namespace);
                p.AddWithValue("$name", job.Name);
            });
            var update = SqliteDatabase.Prepared(connection, transaction, JobOpenUpdate);
            update.Parameters.AddWithValue("$id", job.ID);
            update.Parameters.AddWithValue("$open", open);
            update.ExecuteNonQuery();
        }

        foreach (var version in changes.SupersededVersions)
        {
            Write(connection, transaction, "INSERT OR REPLACE INTO job_versions(job_id, version, body) VALUES ($job, $version, $body)", version, Context.Job, p =>
            {
                p.AddWithValue("$job", version.ID);
                p.AddWithValue("$version", (long)version.Version);
            });
        }

        foreach (var execution in changes.Executions)
        {
            // The job is stored once, in its own row; executions reference it.
            Write(connection, transaction, ExecutionUpsert, execution with { Job = null }, Context.Execution, p =>
            {
                p.AddWithValue("$id", execution.ID);
                p.AddWithValue("$job", execution.JobID);
            });
        }

        foreach (var evaluation in changes.Evaluations)
        {
            Write(connection, transaction, $"INSERT OR REPLACE INTO evaluations(job_time, id, job_id, body) VALUES ({JobTimeOf}, $id, $job, $body)", evaluation, Context.Evaluation, p =>
            {
                p.AddWithValue("$id", evaluation.ID);
                p.AddWithValue("$job", evaluation.JobID);
            });
        }

        foreach (var entry in changes.History)
        {
            Write(connection, transaction, $"INSERT OR REPLACE INTO history(job_time, job_id, seq, body) VALUES ({JobTimeOf}, $job, $seq, $body)", entry, Context.JobHistory, p =>
            {
                p.AddWithValue("$job", entry.JobID);
                p.AddWithValue("$seq", (long)entry.SeqNum);
            });
        }

        // A retry after a rolled-back attempt numbers the messages again.
        changes.Written.Clear();
        foreach (var message in changes.Messages)
        {
            changes.Written.Add(outbox.Insert(connection, transaction, message));
        }

        if (changes.Received is var (peer, seq))
        {
            MessageOutbox.MarkReceived(connection, transaction, peer, seq);
        }

        foreach (var letter in changes.DeadLetters)
        {
            MessageOutbox.RecordDeadLetter(connection, transaction, letter);
        }
    }

    /// <summary>Records a compute node as its membership last changed (joined, approved, rejected).</summary>
    public static void PersistNode(SqliteConnection connection, SqliteTransaction transaction, NodeState node) =>
        Write(connection, transaction, "INSERT INTO nodes(id, body) VALUES ($id, $body) ON CONFLICT(id) DO UPDATE SET body = excluded.body", node, Context.NodeState, p => p.AddWithValue("$id", node.Info.NodeID));

    public static void DeleteNode(SqliteConnection connection, SqliteTransaction transaction, string nodeId)
    {
        var command = SqliteDatabase.Prepared(connection, transaction, "DELETE FROM nodes WHERE id = $id");
        command.Parameters.AddWithValue("$id", nodeId);
        command.ExecuteNonQuery();
    }

    /// <summary>Compute nodes as their membership was last recorded.</summary>
    public List<NodeState> ReadNodes() => Read("SELECT body FROM nodes", Context.NodeState, null);

    /// <summary>Unfinished jobs with their executions and history: what the orchestrator keeps in memory.</summary>
    public static (List<Job> Jobs, List<Execution> Executions, List<JobHistory> History, long JobCount) LoadOpen(SqliteConnection connection) => (
        Query(connection, "SELECT body FROM jobs WHERE open = 1", Context.Job, null),
        // CROSS JOIN keeps the open jobs as the outer loop: SQLite could otherwise scan a whole table in key order.
        Query(connection, "SELECT e.body FROM jobs j CROSS JOIN executions e ON e.job_time = j.create_time AND e.job_id = j.id WHERE j.open = 1", Context.Execution, null),
        Query(connection, "SELECT h.body FROM jobs j CROSS JOIN history h ON h.job_time = j.create_time AND h.job_id = j.id WHERE j.open = 1 ORDER BY j.create_time, j.id, h.seq", Context.JobHistory, null),
        SqliteDatabase.Scalar(connection, "SELECT COUNT(*) FROM jobs"));

    public Job? ReadJob(string id) =>
        Read("SELECT body FROM jobs WHERE id = $id", Context.Job, p => p.AddWithValue("$id", id)).FirstOrDefault();

    /// <summary>Jobs that pass <paramref name="filter"/> in <paramref name="order"/> from <paramref name="offset"/>, last first when <paramref name="reverse"/>.</summary>
    /// <remarks>
    /// A filter is checked on each stored body in index order until the page is full, so a page of a common state
    /// costs little and one of a rare state at most one pass over the table; nothing is loaded but the page.
    /// </remarks>
    public List<Job> ReadJobs(int offset, int limit, bool reverse, JobFilter filter, JobOrder order = JobOrder.CreatedAt)
    {
        var direction = reverse ? "DESC" : "ASC";
        var orderBy = order switch
        {
            JobOrder.Id => $"id {direction}",
            JobOrder.ModifiedAt => $"json_extract(body, '$.ModifyTime') {direction}, id {direction}",
            _ => $"create_time {direction}, id {direction}",
        };
        var selector = LabelSelectorSql.For(filter.Selector);
        var where = filter.IsAll ? "" : $"""
            WHERE ($state IS NULL OR json_extract(body, '$.State.StateType') = $state)
              AND ($label IS NULL OR EXISTS (SELECT 1 FROM json_each(body, '$.Labels') WHERE key = $label AND ($value IS NULL OR value = $value)))
              AND ($name IS NULL OR instr(lower(json_extract(body, '$.Name')), lower($name)) > 0)
              AND ($namespace IS NULL OR json_extract(body, '$.Namespace') = $namespace)
              AND {selector.Condition}
            """;
        return Read($"SELECT body FROM jobs {where} ORDER BY {orderBy} LIMIT $limit OFFSET $offset", Context.Job, p =>
        {
            p.AddWithValue("$limit", limit);
            p.AddWithValue("$offset", offset);
            if (!filter.IsAll)
            {
                p.AddWithValue("$state", (object?)filter.State?.ToString() ?? DBNull.Value);
                p.AddWithValue("$label", (object?)filter.LabelKey ?? DBNull.Value);
                p.AddWithValue("$value", (object?)filter.LabelValue ?? DBNull.Value);
                p.AddWithValue("$name", (object?)filter.NameContains ?? DBNull.Value);
                p.AddWithValue("$namespace", (object?)filter.Namespace ?? DBNull.Value);
                selector.Bind(p);
            }
        });
    }

    /// <summary>The newest job named <paramref name="name"/> in <paramref name="ns"/>; by the name index or the ID, no scan.</summary>
    public Job? ReadJobByName(string ns, string name) => Read("""
        SELECT body FROM (
            SELECT body, create_time FROM jobs WHERE namespace = $ns AND name = $name AND name <> id
            UNION ALL
            SELECT body, create_time FROM jobs WHERE id = $name AND namespace = $ns AND name = id)
        ORDER BY create_time DESC LIMIT 1
        """, Context.Job, p =>
        {
            p.AddWithValue("$ns", ns);
            p.AddWithValue("$name", name);
        }).FirstOrDefault();

    /// <summary>The versions of a job that later ones replaced, oldest first.</summary>
    public List<Job> ReadVersions(string jobId) =>
        Read("SELECT body FROM job_versions WHERE job_id = $job ORDER BY version", Context.Job, p => p.AddWithValue("$job", jobId));

    /// <summary>Up to <paramref name="limit"/> IDs of jobs whose ID starts with <paramref name="prefix"/>.</summary>
    public List<string> FindJobIds(string prefix, int limit)
    {
        using var connection = SqliteDatabase.OpenReader(path);
        using var command = connection.CreateCommand();
        // A range on the primary key instead of LIKE, which would scan the table.
        command.CommandText = "SELECT id FROM jobs WHERE id >= $from AND id < $to ORDER BY id LIMIT $limit";
        command.Parameters.AddWithValue("$from", prefix);
        command.Parameters.AddWithValue("$to", prefix + char.MaxValue);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>The executions of <paramref name="job"/>, oldest first, each carrying the job as the API shows it.</summary>
    public List<Execution> ReadExecutions(Job job) =>
        [.. Read("SELECT e.body FROM jobs j JOIN executions e ON e.job_time = j.create_time AND e.job_id = j.id WHERE j.id = $job", Context.Execution, p => p.AddWithValue("$job", job.ID))
            .OrderBy(e => e.CreateTime).ThenBy(e => e.ID, StringComparer.Ordinal)
            .Select(e => e with { Job = job })];

    public List<JobHistory> ReadHistory(string jobId) =>
        Read("SELECT h.body FROM jobs j JOIN history h ON h.job_time = j.create_time AND h.job_id = j.id WHERE j.id = $job ORDER BY h.seq", Context.JobHistory, p => p.AddWithValue("$job", jobId));

    private List<T> Read<T>(string sql, JsonTypeInfo<T> typeInfo, Action<SqliteParameterCollection>? bind)
    {
        using var connection = SqliteDatabase.OpenReader(path);
        return Query(connection, sql, typeInfo, bind);
    }

    private static List<T> Query<T>(SqliteConnection connection, string sql, JsonTypeInfo<T> typeInfo, Action<SqliteParameterCollection>? bind)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind?.Invoke(command.Parameters);
        using var reader = command.ExecuteReader();
        var items = new List<T>();
        while (reader.Read())
        {
            items.Add(JsonSerializer.Deserialize(reader.GetString(0), typeInfo)!);
        }

        return items;
    }

    private static void Write<T>(SqliteConnection connection, SqliteTransaction transaction, string sql, T value, JsonTypeInfo<T> typeInfo, Action<SqliteParameterCollection> bind)
    {
        var command = SqliteDatabase.Prepared(connection, transaction, sql);
        bind(command.Parameters);
        command.Parameters.AddWithValue("$body", JsonSerializer.Serialize(value, typeInfo));
        command.ExecuteNonQuery();
    }
}

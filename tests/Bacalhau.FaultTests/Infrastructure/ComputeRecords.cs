using System.Text.Json;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;
using Microsoft.Data.Sqlite;

namespace Bacalhau.FaultTests.Infrastructure;

/// <summary>
/// The compute nodes' own account of what they ran (each node's <c>compute/state.db</c>), independent of what the
/// orchestrator believes: a partition of a job completed on two nodes, or twice on one, ran twice.
/// </summary>
internal static class ComputeRecords
{
    /// <summary>Every execution the nodes completed, with when it finished there (Unix nanoseconds).</summary>
    public static IReadOnlyList<Completion> Completions(IEnumerable<string> computeDataDirs) =>
    [
        .. computeDataDirs.SelectMany(Executions)
            .Where(e => e.ComputeState.StateType == ExecutionStateType.Completed)
            .Select(e => new Completion(e.ID, e.JobID, e.PartitionIndex, e.ModifyTime)),
    ];

    /// <summary>Every execution one node has recorded (bid on, ran, or declined), as it last recorded it.</summary>
    public static IReadOnlyList<Execution> Executions(string computeDataDir)
    {
        var database = Path.Combine(computeDataDir, "compute", "state.db");
        if (!File.Exists(database))
        {
            return [];
        }

        // Read-only beside the running node: SQLite's WAL lets a reader see the last commit without blocking it.
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM executions";
        using var reader = command.ExecuteReader();
        var executions = new List<Execution>();
        while (reader.Read())
        {
            executions.Add(JsonSerializer.Deserialize(reader.GetString(0), BacalhauJsonContext.Default.Execution)!);
        }

        return executions;
    }
}

internal sealed record Completion(string ExecutionId, string JobId, int Partition, long FinishedAt);

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
    public static IReadOnlyList<Completion> Completions(IEnumerable<string> computeDataDirs)
    {
        var completed = new List<Completion>();
        foreach (var dataDir in computeDataDirs)
        {
            var database = Path.Combine(dataDir, "compute", "state.db");
            if (!File.Exists(database))
            {
                continue;
            }

            // Read-only beside the running node: SQLite's WAL lets a reader see the last commit without blocking it.
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT body FROM executions";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var execution = JsonSerializer.Deserialize(reader.GetString(0), BacalhauJsonContext.Default.Execution)!;
                if (execution.ComputeState.StateType == ExecutionStateType.Completed)
                {
                    completed.Add(new Completion(execution.ID, execution.JobID, execution.PartitionIndex, execution.ModifyTime));
                }
            }
        }

        return completed;
    }
}

internal sealed record Completion(string ExecutionId, string JobId, int Partition, long FinishedAt);

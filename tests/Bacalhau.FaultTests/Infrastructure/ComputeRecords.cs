using System.Text.Json;
using Bacalhau.Core.Models.Jobs;
using Bacalhau.Core.Serialization;
using Microsoft.Data.Sqlite;

namespace Bacalhau.FaultTests.Infrastructure;

/// <summary>
/// The compute nodes' own account of what they ran (each node's <c>compute/state.db</c>), independent of what the
/// orchestrator believes: a partition of a job completed on two nodes, or twice on one, ran twice.
/// </summary>
internal static class ComputeRecords
{
    public static IReadOnlySet<string> JobsCompletedTwice(IEnumerable<string> computeDataDirs)
    {
        var completed = new List<(string JobId, int Partition)>();
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
                    completed.Add((execution.JobID, execution.PartitionIndex));
                }
            }
        }

        return completed.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key.JobId).ToHashSet();
    }
}

using Bacalhau.Compute.Storage;
using Bacalhau.Contracts.Models.Jobs;
using Microsoft.Data.Sqlite;

namespace Bacalhau.Compute.Tests.Storage;

public sealed class ExecutionStoreTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _directory = Directory.CreateTempSubdirectory("bacalhau-executions-").FullName;

    private string DatabasePath => Path.Combine(_directory, "state.db");

    [Fact]
    public async Task A_finished_execution_is_read_back_in_its_final_state_and_after_a_restart()
    {
        await using (var store = new ExecutionStore(DatabasePath, "node-1"))
        {
            await store.SaveAsync(Execution("e-1", ExecutionStateType.Running), null, null).WaitAsync(Timeout);
            await store.SaveAsync(Execution("e-1", ExecutionStateType.Completed), null, null).WaitAsync(Timeout);

            Assert.Equal(ExecutionStateType.Completed, store.Get("e-1")?.ComputeState.StateType);
            Assert.Empty(store.Unfinished());
            Assert.Null(store.Get("e-unknown"));
        }

        await using var reopened = new ExecutionStore(DatabasePath, "node-1");
        Assert.Equal(ExecutionStateType.Completed, reopened.Get("e-1")?.ComputeState.StateType);
        Assert.Empty(reopened.Unfinished());
    }

    [Fact]
    public async Task Finished_executions_do_not_accumulate_in_memory()
    {
        await using var store = new ExecutionStore(DatabasePath, "node-1");
        await store.SaveAsync(Execution("warm-up", ExecutionStateType.Completed), null, null).WaitAsync(Timeout);
        var before = GC.GetTotalMemory(forceFullCollection: true);

        // 3,000 executions of 4 KB output each: 12 MB and more if the store kept them.
        for (var i = 0; i < 3000; i++)
        {
            await store.SaveAsync(Execution($"e-{i}", ExecutionStateType.Completed, output: new string('x', 4000)), null, null).WaitAsync(Timeout);
        }

        var growth = GC.GetTotalMemory(forceFullCollection: true) - before;
        Assert.True(growth < 4_000_000, $"managed heap grew by {growth} bytes");
        Assert.Equal(4000, store.Get("e-2999")?.RunOutput?.Stdout.Length);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static Execution Execution(string id, ExecutionStateType state, string output = "") => new()
    {
        ID = id,
        JobID = "j-1",
        NodeID = "node-1",
        ComputeState = new State<ExecutionStateType>(state),
        RunOutput = new RunCommandResult { Stdout = output },
    };
}

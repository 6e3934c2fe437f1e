using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Storage;
using static Bacalhau.Compute.Tests.Executions.ExecutionManagerBed;

namespace Bacalhau.Compute.Tests.Metrics;

public sealed class ComputeMetricsTests
{
    [Fact]
    public async Task Bids_running_executions_and_their_durations_are_measured_by_engine_and_outcome()
    {
        await using var node = await StartAsync();

        // The engine is tagged as this node's catalog names it, whatever the job's spelling.
        await node.AskAsync(Offer("e-done", engine: "NOOP", holdSeconds: 0));
        await node.AskAsync(Offer("e-refused", engine: EngineTypes.Docker));
        await node.AskAsync(Offer("e-held"));
        await node.EndOfAsync("e-done");

        var running = Assert.Single(node.Metrics.Observe("bacalhau.compute.executions.running"));
        Assert.Equal(1, running.Value);
        Assert.Equal(new Dictionary<string, string?> { ["bacalhau.engine"] = EngineTypes.Noop }, running.Tags);

        await node.CancelAsync("e-held");
        var durations = await node.Metrics.WaitForAsync("bacalhau.compute.execution.duration", 2);

        Assert.Equal(
            [("cancelled", EngineTypes.Noop), ("completed", EngineTypes.Noop)],
            durations.Select(d => (d.Tags["outcome"], d.Tags["bacalhau.engine"])).Order());
        Assert.All(durations, d => Assert.True(d.Value >= 0));
        Assert.All(durations, d => Assert.Equal("s", d.Unit));
        Assert.Empty(node.Metrics.Observe("bacalhau.compute.executions.running"));
        Assert.Equal(
            [("accepted", 1.0), ("accepted", 1.0), ("rejected", 1.0)],
            node.Metrics.Of("bacalhau.compute.bids").Select(b => (b.Tags["result"], b.Value)).Order());
    }

    [Fact]
    public async Task A_bid_whose_record_fails_is_not_counted()
    {
        await using var node = await StartAsync();
        // SQLite itself refuses the execution's row, so the bid is never recorded nor acknowledged.
        await node.Store.Writer.WriteAsync((connection, transaction) =>
            SqliteDatabase.Execute(connection, "CREATE TRIGGER refuse_executions BEFORE INSERT ON executions BEGIN SELECT RAISE(ABORT, 'refused by the test'); END", transaction));

        await Assert.ThrowsAnyAsync<Exception>(() => node.AskAsync(Offer("e-refused", engine: EngineTypes.Docker)));

        Assert.Null(node.Store.Get("e-refused"));
        Assert.Empty(node.Metrics.Of("bacalhau.compute.bids"));
    }
}

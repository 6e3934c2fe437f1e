using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using static Bacalhau.Compute.Tests.Executions.ExecutionManagerBed;

namespace Bacalhau.Compute.Tests.Executions;

public sealed class ExecutionManagerTests
{
    [Theory]
    [InlineData(EngineTypes.Noop, null, "", false, null)]
    [InlineData("NOOP", null, "", false, null)]
    [InlineData(EngineTypes.Docker, null, "", false, "engine 'docker' is not available on this node (available: noop)")]
    [InlineData(EngineTypes.Noop, PublisherTypes.Ipfs, "", false, "publisher 'ipfs' is not available on this node (available: noop)")]
    [InlineData(EngineTypes.Noop, null, NetworkTypes.None, false, null)]
    [InlineData(EngineTypes.Noop, null, NetworkTypes.Host, false, "this node does not accept networked jobs (Host); its operator allows them with JobAdmissionControl.AcceptNetworkedJobs")]
    [InlineData(EngineTypes.Noop, null, NetworkTypes.Full, false, "this node does not accept networked jobs (Full); its operator allows them with JobAdmissionControl.AcceptNetworkedJobs")]
    [InlineData(EngineTypes.Noop, null, NetworkTypes.Host, true, null)]
    [InlineData(EngineTypes.Noop, null, NetworkTypes.Full, true, null)]
    [InlineData(EngineTypes.Noop, null, NetworkTypes.Http, true, "HTTP networking (HTTP(S) to the listed domains only) cannot be enforced on this node, and it is not widened to the host's network")]
    public async Task A_bid_is_accepted_only_for_what_the_node_can_run_and_a_refusal_says_why(string engine, string? publisher, string network, bool acceptNetworked, string? refusal)
    {
        await using var node = await StartAsync(acceptNetworked);

        await node.AskAsync(Offer("e-1", engine: engine, publisher: publisher, network: network));

        Assert.Equal(
            refusal is null ? new State<ExecutionStateType>(ExecutionStateType.Running) : new State<ExecutionStateType>(ExecutionStateType.BidRejected, refusal),
            node.StateOf("e-1"));
    }

    [Fact]
    public async Task An_execution_ID_that_cannot_name_a_directory_is_refused()
    {
        await using var node = await StartAsync();

        await node.AskAsync(Offer("../e-1"));

        var state = node.StateOf("../e-1");
        Assert.Equal(ExecutionStateType.BidRejected, state.StateType);
        Assert.StartsWith("the execution ID cannot name a directory", state.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 0, 0)]
    [InlineData(0, 1, 0)]
    [InlineData(0, 0, 1)]
    public async Task A_bid_for_more_than_the_node_s_capacity_is_refused(double extraCpu, long extraMemory, int extraGpu)
    {
        await using var node = await StartAsync();
        var max = node.Capacity;

        await node.AskAsync(Offer("e-fits", max));
        await node.CancelAsync("e-fits");
        await node.EndOfAsync("e-fits");
        await node.AskAsync(Offer("e-over", max with { CPU = max.CPU + extraCpu, Memory = max.Memory + extraMemory, GPU = max.GPU + extraGpu }));

        Assert.Equal(ExecutionStateType.Cancelled, node.StateOf("e-fits").StateType);
        var over = node.StateOf("e-over");
        Assert.Equal(ExecutionStateType.BidRejected, over.StateType);
        Assert.StartsWith("not enough free capacity", over.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_running_execution_holds_its_resources_until_it_is_cancelled()
    {
        await using var node = await StartAsync();
        var share = Share(node.Capacity, 2);

        await node.AskAsync(Offer("e-1", share));
        var whileRunning = node.Manager.AvailableCapacity;
        await node.AskAsync(Offer("e-2", share));
        await node.CancelAsync("e-1");
        await node.EndOfAsync("e-1");
        var afterCancel = node.Manager.AvailableCapacity;
        await node.AskAsync(Offer("e-3", share));

        Assert.Equal(node.Capacity.Memory - share.Memory, whileRunning.Memory);
        Assert.Equal(node.Capacity.CPU - share.CPU, whileRunning.CPU, 6);
        Assert.Equal(ExecutionStateType.BidRejected, node.StateOf("e-2").StateType);
        Assert.Equal(new State<ExecutionStateType>(ExecutionStateType.Cancelled, "test over"), node.StateOf("e-1"));
        Assert.Equal(node.Capacity, afterCancel);
        Assert.Equal(ExecutionStateType.Running, node.StateOf("e-3").StateType);
    }

    [Fact]
    public async Task An_execution_that_completes_frees_its_resources()
    {
        await using var node = await StartAsync();
        var share = Share(node.Capacity, 2);

        await node.AskAsync(Offer("e-1", share, holdSeconds: 0));
        var ended = await node.EndOfAsync("e-1");
        var afterEnd = node.Manager.AvailableCapacity;
        await node.AskAsync(Offer("e-2", share));

        Assert.Equal(ExecutionStateType.Completed, ended.StateType);
        Assert.Equal(node.Capacity, afterEnd);
        Assert.Equal(ExecutionStateType.Running, node.StateOf("e-2").StateType);
    }

    [Fact]
    public async Task Concurrent_asks_never_take_more_than_the_node_has()
    {
        await using var node = await StartAsync();
        // Just over a third each: two fit, a third never.
        var share = Share(node.Capacity, 3);
        var ids = Enumerable.Range(0, 24).Select(i => $"e-{i}").ToList();

        // The store's writer is held busy until every ask has been decided, so no bid is durable before the others are
        // assessed: an accepted bid must hold its capacity from the moment it is accepted, not once it is recorded.
        using var release = new ManualResetEventSlim();
        var writing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = Task.Run(() => node.Store.Writer.WriteAsync((_, _) =>
        {
            writing.TrySetResult();
            release.Wait();
        }));
        await writing.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var asks = ids.Select(id => Task.Run(() => node.AskAsync(Offer(id, share)))).ToList();
        foreach (var id in ids)
        {
            await node.RecordedAsync(id);
        }

        release.Set();
        await held;
        await Task.WhenAll(asks);

        var states = ids.Select(node.StateOf).ToList();
        Assert.Equal(2, states.Count(s => s.StateType == ExecutionStateType.Running));
        Assert.All(states.Where(s => s.StateType != ExecutionStateType.Running), s => Assert.Equal(ExecutionStateType.BidRejected, s.StateType));
        Assert.True(node.Manager.AvailableCapacity.Memory >= 0, $"over-committed: {node.Manager.AvailableCapacity}");
    }

    [Fact]
    public async Task An_ask_delivered_again_is_not_bid_on_twice()
    {
        await using var node = await StartAsync();
        var share = Share(node.Capacity, 2);

        await node.AskAsync(Offer("e-1", share));
        await node.AskAsync(Offer("e-1", share));

        Assert.Equal(ExecutionStateType.Running, node.StateOf("e-1").StateType);
        Assert.Equal(node.Capacity.Memory - share.Memory, node.Manager.AvailableCapacity.Memory);
    }

    /// <summary>Just over 1/<paramref name="parts"/> of the node's CPU and memory: <paramref name="parts"/> - 1 of them fit, never <paramref name="parts"/>.</summary>
    private static Resources Share(Resources capacity, int parts) => new()
    {
        CPU = Math.Round(capacity.CPU / parts, 3) + 0.001,
        Memory = (capacity.Memory / parts) + 1,
    };
}

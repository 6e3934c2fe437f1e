using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Orchestrator.Scheduling;
using static Bacalhau.Orchestrator.Tests.Scheduling.Cluster;

namespace Bacalhau.Orchestrator.Tests.Scheduling;

public sealed class NodeSelectorTests
{
    public static TheoryData<NodeState, bool> NodesByState => new()
    {
        { Node("n"), true },
        { Node("n", status: NodeConnectionStatus.Disconnected), false },
        { Node("n", membership: NodeMembership.Pending), false },
        { Node("n", membership: NodeMembership.Rejected), false },
        { Node("n") with { Info = new NodeInfo { NodeID = "n", NodeType = NodeType.Requester } }, false },
    };

    [Theory]
    [MemberData(nameof(NodesByState))]
    public void Only_connected_approved_compute_nodes_are_candidates(NodeState node, bool candidate)
    {
        var matching = Match(Job(JobTypes.Batch), [node], out var reason);

        Assert.Equal(candidate, matching.Count == 1);
        Assert.Equal(candidate ? null : "no compute node is connected", reason);
    }

    [Theory]
    [InlineData("noop", null, new[] { "n-noop" }, null)]
    [InlineData("NOOP", null, new[] { "n-noop" }, null)]
    [InlineData("docker", null, new[] { "n-docker" }, null)]
    [InlineData("wasm", null, new string[0], "none of the 2 connected node(s) offers the 'wasm' engine")]
    [InlineData("noop", "local", new[] { "n-noop" }, null)]
    [InlineData("docker", "local", new string[0], "none of the 2 connected node(s) offers both the 'docker' engine and the 'local' publisher")]
    public void Nodes_are_filtered_by_engine_and_publisher(string engine, string? publisher, string[] expected, string? expectedReason)
    {
        NodeState[] nodes = [Node("n-noop", engines: ["noop"], publishers: ["noop", "local"]), Node("n-docker", engines: ["docker"], publishers: ["noop"])];

        var matching = Match(Job(JobTypes.Batch, engine: engine, publisher: publisher), nodes, out var reason);

        Assert.Equal(expected, matching.Select(n => n.Info.NodeID));
        Assert.Equal(expectedReason, reason);
    }

    [Theory]
    [InlineData("zone", "=", new[] { "eu" }, new[] { "n-eu" })]
    [InlineData("zone", "==", new[] { "us" }, new[] { "n-us" })]
    [InlineData("zone", "in", new[] { "eu", "us" }, new[] { "n-eu", "n-us" })]
    [InlineData("zone", "!=", new[] { "eu" }, new[] { "n-us", "n-bare" })]
    [InlineData("zone", "notin", new[] { "eu", "us" }, new[] { "n-bare" })]
    [InlineData("zone", "exists", new string[0], new[] { "n-eu", "n-us" })]
    [InlineData("zone", "!", new string[0], new[] { "n-bare" })]
    [InlineData("gpus", "gt", new[] { "1" }, new[] { "n-us" })]
    [InlineData("gpus", "lt", new[] { "2" }, new[] { "n-eu" })]
    [InlineData("zone", "like", new[] { "eu" }, new string[0])]
    public void Nodes_are_filtered_by_the_job_s_label_constraints(string key, string op, string[] values, string[] expected)
    {
        NodeState[] nodes =
        [
            Node("n-eu", labels: new() { ["zone"] = "eu", ["gpus"] = "1" }),
            Node("n-us", labels: new() { ["zone"] = "us", ["gpus"] = "4" }),
            Node("n-bare"),
        ];

        var matching = Match(Job(JobTypes.Batch, constraints: Constraint(key, op, values)), nodes, out var reason);

        Assert.Equal(expected, matching.Select(n => n.Info.NodeID));
        Assert.Equal(expected.Length == 0 ? "none of the 3 node(s) offering 'noop' matches the job's constraints" : null, reason);
    }

    [Fact]
    public void Every_constraint_must_hold()
    {
        NodeState[] nodes = [Node("n-1", labels: new() { ["zone"] = "eu", ["tier"] = "gold" }), Node("n-2", labels: new() { ["zone"] = "eu" })];

        var matching = Match(Job(JobTypes.Batch, constraints: [Constraint("zone", "=", "eu"), Constraint("tier", "exists")]), nodes, out _);

        Assert.Equal("n-1", Assert.Single(matching).Info.NodeID);
    }

    [Theory]
    [InlineData("1", "", new[] { "n-1", "n-2" })]
    [InlineData("", "5Gi", new[] { "n-1", "n-2" })]
    [InlineData("2", "", new[] { "n-2" })]
    [InlineData("", "6Gi", new[] { "n-2" })]
    [InlineData("2", "6Gi", new[] { "n-2" })]
    [InlineData("5", "", new string[0])]
    [InlineData("", "9Gi", new string[0])]
    public void A_node_is_a_candidate_only_with_free_capacity_for_the_job_beside_what_runs_there(string cpu, string memory, string[] expected)
    {
        // Both have 4 CPUs and 8 GiB; on n-1, 3 CPUs and 3 GiB are taken by an execution of another job.
        NodeState[] nodes = [Node("n-1"), Node("n-2")];
        var busy = Execution(Job(JobTypes.Service) with { ID = "j-other" }, "n-1", ExecutionStateType.Running) with { AllocatedResources = new Resources { CPU = 3, Memory = 3L << 30 } };

        var matching = NodeSelector.Matching(Job(JobTypes.Batch, cpu: cpu, memory: memory), Requested(cpu, memory), new ClusterView(nodes, [busy]), out var reason);

        Assert.Equal(expected, matching.Select(n => n.Info.NodeID));
        Assert.Equal(expected.Length == 0 ? "none of the 2 matching node(s) has free capacity for the job's resources" : null, reason);
    }

    [Fact]
    public void Executions_placed_earlier_in_the_same_decision_take_capacity()
    {
        // Three partitions of 3 CPUs on two nodes of 4: the third has nowhere to go.
        var cluster = new ClusterView([Node("n-1"), Node("n-2")], []);
        var job = Job(JobTypes.Batch, count: 3, cpu: "3");
        var placed = new List<string>();
        for (var partition = 0; partition < 3; partition++)
        {
            var candidates = NodeSelector.Matching(job, Requested("3", ""), cluster, out _);
            if (NodeSelector.PickLeastLoaded(candidates, Requested("3", ""), cluster, new HashSet<string>()) is { } node)
            {
                cluster.Place(node.Info.NodeID, Requested("3", ""));
                placed.Add(node.Info.NodeID);
            }
        }

        Assert.Equal(["n-1", "n-2"], placed.Order());
    }

    [Fact]
    public void The_least_loaded_node_is_picked()
    {
        var job = Job(JobTypes.Service);
        NodeState[] nodes = [Node("n-1"), Node("n-2"), Node("n-3")];
        var cluster = new ClusterView(nodes, [Execution(job, "n-1", ExecutionStateType.Running), Execution(job, "n-1", ExecutionStateType.Running, 1), Execution(job, "n-3", ExecutionStateType.Running, 2)]);

        // Every time: a pick blind to load would land on n-2 in all of 50 tries with a chance of (1/3)^50.
        var picked = Enumerable.Range(0, 50).Select(_ => NodeSelector.PickLeastLoaded(nodes, Resources.Zero, cluster, new HashSet<string>())?.Info.NodeID).Distinct();

        Assert.Equal(["n-2"], picked);
    }

    [Fact]
    public void A_node_to_avoid_is_picked_only_when_no_other_is_left_however_idle_it_is()
    {
        var job = Job(JobTypes.Service);
        NodeState[] nodes = [Node("n-idle"), Node("n-busy")];
        var cluster = new ClusterView(nodes, [Execution(job, "n-busy", ExecutionStateType.Running), Execution(job, "n-busy", ExecutionStateType.Running, 1)]);
        var avoid = new HashSet<string> { "n-idle" };

        Assert.Equal("n-busy", NodeSelector.PickLeastLoaded(nodes, Resources.Zero, cluster, avoid)?.Info.NodeID);
        Assert.Equal("n-idle", NodeSelector.PickLeastLoaded([nodes[0]], Resources.Zero, cluster, avoid)?.Info.NodeID);
        Assert.Null(NodeSelector.PickLeastLoaded([], Resources.Zero, cluster, avoid));
    }

    [Fact]
    public void Ties_are_broken_at_random_so_equally_loaded_nodes_all_get_work()
    {
        NodeState[] nodes = [Node("n-1"), Node("n-2"), Node("n-3")];
        var cluster = new ClusterView(nodes, []);
        var picked = new HashSet<string>();

        // A fair pick misses one of three nodes in 200 tries with a chance of about 3 * (2/3)^200.
        for (var i = 0; i < 200 && picked.Count < nodes.Length; i++)
        {
            picked.Add(NodeSelector.PickLeastLoaded(nodes, Resources.Zero, cluster, new HashSet<string>())!.Info.NodeID);
        }

        Assert.Equal(["n-1", "n-2", "n-3"], picked.Order());
    }

    private static IReadOnlyList<NodeState> Match(Job job, IEnumerable<NodeState> nodes, out string? reason) =>
        NodeSelector.Matching(job, Resources.Zero, new ClusterView(nodes, []), out reason);

    private static Resources Requested(string cpu, string memory) =>
        Bacalhau.JobSpecs.ResourceParser.Parse(new ResourcesConfig { CPU = cpu, Memory = memory });
}

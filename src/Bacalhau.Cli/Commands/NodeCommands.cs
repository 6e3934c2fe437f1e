using System.CommandLine;
using Bacalhau.Cli.Formats;
using Bacalhau.Cli.Output;
using Bacalhau.Client;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.Cli.Commands;

/// <summary><c>bacalhau node list|describe|approve|reject|delete</c>.</summary>
internal sealed class NodeCommands : Command
{
    public NodeCommands(GlobalOptions globals)
        : base("node", "List, inspect and manage the nodes of the cluster")
    {
        Add(List(globals));
        Add(Describe(globals));
        Add(Update(globals, "approve", "Approve a node waiting for approval"));
        Add(Update(globals, "reject", "Reject a node; it may not join"));
        Add(Update(globals, "delete", "Forget a node"));
    }

    private static Command List(GlobalOptions globals)
    {
        var command = new Command("list", "List the nodes");
        var labels = new Option<string?>("--labels") { Description = "Filter nodes by labels, a Kubernetes-style selector (a=b, a!=b, a in (x,y), !a, a)" };
        var approval = new Option<string?>("--filter-approval") { Description = "Filter nodes by approval: approved, pending or rejected" };
        var status = new Option<string?>("--filter-status") { Description = "Filter nodes by status: connected or disconnected" };
        var paging = new ListOptions(["id", "type", "available_cpu", "available_memory", "available_disk", "available_gpu", "approval", "status"]);
        var output = OutputOptions.Create();
        command.Add(labels);
        command.Add(approval);
        command.Add(status);
        paging.AddTo(command);
        output.AddTo(command);
        command.SetAction(globals, async (context, cancellationToken) =>
        {
            var query = paging.Read(context.Parse, new NodeListQuery
            {
                Labels = context.Parse.GetValue(labels),
                FilterApproval = context.Parse.GetValue(approval),
                FilterStatus = context.Parse.GetValue(status),
            });
            var response = await context.CreateClient().ListNodesAsync(query, cancellationToken);
            await ListOptions.WritePageAsync(context, output, response.Nodes, CliJsonContext.Default.IReadOnlyListNodeState, NodesTable, response.NextToken);
        });
        return command;
    }

    private static Command Describe(GlobalOptions globals)
    {
        var command = new Command("describe", "Show everything known about a node");
        var id = new Argument<string>("id") { Description = "Node ID" };
        var output = OutputOptions.Create(OutputFormat.Yaml);
        command.Add(id);
        output.AddTo(command);
        command.SetAction(globals, async (context, cancellationToken) =>
        {
            var node = (await context.CreateClient().GetNodeAsync(context.Parse.GetRequiredValue(id), cancellationToken)).Node;
            context.Output(output).Write(node, BacalhauJsonContext.Default.NodeState, n => Table.KeyValue()
                .Add("ID", n.Info.NodeID)
                .Add("Type", n.Info.NodeType.ToString())
                .Add("Role", RoleOf(n))
                .Add("Approval", Formatting.Enum(n.Membership))
                .Add("Status", Formatting.Enum(n.ConnectionState.Status))
                .Add("Last heartbeat", Formatting.Time(n.ConnectionState.LastHeartbeat))
                .Add("Last error", n.ConnectionState.LastError)
                .Add("Labels", Formatting.Labels(n.Info.Labels))
                .Add("Engines", string.Join(", ", n.Info.ComputeNodeInfo?.ExecutionEngines ?? []))
                .Add("Version", n.Info.BacalhauVersion.GitVersion));
        });
        return command;
    }

    private static Command Update(GlobalOptions globals, string action, string description)
    {
        var command = new Command(action, description);
        var id = new Argument<string>("id") { Description = "Node ID" };
        var message = new Option<string?>("--message", "-m") { Description = "Why; recorded with the node" };
        command.Add(id);
        command.Add(message);
        command.SetAction(globals, async (context, cancellationToken) =>
        {
            var nodeId = context.Parse.GetRequiredValue(id);
            var response = await context.CreateClient().UpdateNodeAsync(nodeId, action, context.Parse.GetValue(message), cancellationToken);
            if (!response.Success)
            {
                throw new CliException(string.IsNullOrEmpty(response.Error) ? $"could not {action} node {nodeId}" : response.Error);
            }

            await context.Out.WriteLineAsync("Ok");
        });
        return command;
    }

    private static Table NodesTable(IReadOnlyList<NodeState> nodes)
    {
        var table = new Table("ID", "TYPE", "ROLE", "APPROVAL", "STATUS", "LABELS", "CPU", "MEMORY", "DISK", "GPU");
        foreach (var node in nodes)
        {
            var capacity = node.Info.ComputeNodeInfo?.MaxCapacity;
            table.Add(
                node.Info.NodeID,
                node.Info.NodeType.ToString(),
                RoleOf(node),
                Formatting.Enum(node.Membership),
                Formatting.Enum(node.ConnectionState.Status),
                Formatting.Labels(node.Info.Labels),
                capacity is null ? "" : Formatting.Cores(capacity.CPU),
                capacity is null ? "" : Formatting.Bytes(capacity.Memory),
                capacity is null ? "" : Formatting.Bytes(capacity.Disk),
                capacity is null ? "" : capacity.GPU.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return table;
    }

    /// <summary>An orchestrator's role in its cluster (leader, follower); compute nodes have none.</summary>
    private static string? RoleOf(NodeState node) => node.Info.NodeType == NodeType.Requester ? node.Info.ClusterRole : null;
}

namespace Bacalhau.Contracts.Protocol;

/// <summary>NATS subjects of Bacalhau's NCL v1 protocol; <c>nodeId</c> is the compute node's ID.</summary>
public static class Subjects
{
    private const string ComputePrefix = "bacalhau.global.compute";

    /// <summary>Control plane, compute → orchestrator, request/reply (handshake, heartbeat, ...).</summary>
    public static string ControlOut(string nodeId) => $"{ComputePrefix}.{nodeId}.out.ctrl";

    public const string AllControlOut = ComputePrefix + ".*.out.ctrl";

    /// <summary>Control notices, orchestrator → compute, no reply (an orchestrator that starts leading asks nodes to rejoin).</summary>
    public static string ControlIn(string nodeId) => $"{ComputePrefix}.{nodeId}.in.ctrl";

    /// <summary>Data plane, orchestrator → compute.</summary>
    public static string DataIn(string nodeId) => $"{ComputePrefix}.{nodeId}.in.msgs";

    /// <summary>Data plane, compute → orchestrator.</summary>
    public static string DataOut(string nodeId) => $"{ComputePrefix}.{nodeId}.out.msgs";

    public const string AllDataOut = ComputePrefix + ".*.out.msgs";

    /// <summary>Log streaming requests to a compute node, orchestrator → compute, answered on the request's reply subject.</summary>
    public static string ExecutionLogs(string nodeId) => $"node.compute.{nodeId}.ExecutionLogs/v1";

    /// <summary>Where a node sends the log batches of one request (<paramref name="stream"/>): inside its own out space.</summary>
    public static string ExecutionLogReplies(string nodeId, string stream) => $"{ComputePrefix}.{nodeId}.out.logs.{stream}";

    /// <summary>Acknowledgements from a node of the orchestrator's messages, to the sender instance that asked.</summary>
    public static string AcksFromCompute(string nodeId, string instance) => $"{ComputePrefix}.{nodeId}.out.acks.{instance}";

    public static string AllAcksFromCompute(string instance) => $"{ComputePrefix}.*.out.acks.{instance}";

    /// <summary>Acknowledgements from the orchestrator of a node's messages, to the node's sender instance.</summary>
    public static string AcksToCompute(string nodeId, string instance) => $"{ComputePrefix}.{nodeId}.in.acks.{instance}";

    /// <summary>Every subject a compute node may publish on: its own out space.</summary>
    public static string AllOut(string nodeId) => $"{ComputePrefix}.{nodeId}.out.>";

    /// <summary>Every subject of the orchestrator's data and control plane to a compute node.</summary>
    public static string AllIn(string nodeId) => $"{ComputePrefix}.{nodeId}.in.>";

    public static string AllNodeRequests(string nodeId) => $"node.compute.{nodeId}.>";

    /// <summary>A compute node's own inbox prefix, so replies to its requests reach it and no other node.</summary>
    public static string Inbox(string nodeId) => $"_INBOX_{nodeId}";

    /// <summary>Enrollment: a node with the cluster token asks the orchestrator for credentials of its own (request/reply).</summary>
    public const string Enroll = "bacalhau.global.enroll";

    /// <summary>The node ID inside a subject of the form <c>bacalhau.global.compute.&lt;id&gt;.…</c>.</summary>
    public static string? NodeIdOf(string subject)
    {
        if (!subject.StartsWith(ComputePrefix + ".", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = subject.AsSpan(ComputePrefix.Length + 1);
        var dot = rest.IndexOf('.');
        return dot > 0 ? rest[..dot].ToString() : null;
    }
}

namespace Bacalhau.Core.Protocol;

/// <summary>NATS subjects of Bacalhau's NCL v1 protocol; <c>nodeId</c> is the compute node's ID.</summary>
public static class Subjects
{
    private const string ComputePrefix = "bacalhau.global.compute";

    /// <summary>Control plane, compute → orchestrator, request/reply (handshake, heartbeat, ...).</summary>
    public static string ControlOut(string nodeId) => $"{ComputePrefix}.{nodeId}.out.ctrl";

    public const string AllControlOut = ComputePrefix + ".*.out.ctrl";

    /// <summary>Data plane, orchestrator → compute.</summary>
    public static string DataIn(string nodeId) => $"{ComputePrefix}.{nodeId}.in.msgs";

    /// <summary>Data plane, compute → orchestrator.</summary>
    public static string DataOut(string nodeId) => $"{ComputePrefix}.{nodeId}.out.msgs";

    public const string AllDataOut = ComputePrefix + ".*.out.msgs";

    /// <summary>Log streaming requests to a compute node, orchestrator → compute, answered on the request's reply subject.</summary>
    public static string ExecutionLogs(string nodeId) => $"node.compute.{nodeId}.ExecutionLogs/v1";

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

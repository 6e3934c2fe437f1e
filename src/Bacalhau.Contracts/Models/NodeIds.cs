namespace Bacalhau.Contracts.Models;

public static class NodeIds
{
    /// <summary>Node IDs become NATS subject tokens, so the characters NATS gives meaning to are not allowed.</summary>
    public static string? Validate(string? nodeId)
    {
        if (string.IsNullOrWhiteSpace(nodeId))
        {
            return "node ID must not be empty";
        }

        return nodeId.IndexOfAny(['.', '*', '>', ' ', '\t', '\r', '\n']) >= 0
            ? $"node ID '{nodeId}' must not contain '.', '*', '>' or whitespace"
            : null;
    }

    public static string NewComputeNodeId() => $"n-{Guid.NewGuid():D}";
}

using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Compute.Executions;

/// <summary>Which networks a task may have on this node: none unless the node accepts networked jobs; HTTP never.</summary>
internal static class NetworkAdmission
{
    /// <summary>Whether the task asks for a network (the host's) at all; an unknown type is not assumed to be none.</summary>
    public static bool IsNetworked(NetworkConfig network) =>
        !(string.IsNullOrWhiteSpace(network.Type) || network.Type.Trim().Equals(NetworkTypes.None, StringComparison.OrdinalIgnoreCase));

    /// <summary>Why this node does not run a task with <paramref name="network"/>, or null when it does.</summary>
    public static string? Problem(NetworkConfig network, bool acceptNetworkedJobs)
    {
        var type = network.Type?.Trim() ?? "";
        if (type.Equals(NetworkTypes.Http, StringComparison.OrdinalIgnoreCase))
        {
            return "HTTP networking (HTTP(S) to the listed domains only) cannot be enforced on this node, and it is not widened to the host's network";
        }

        if (network.Domains is { Count: > 0 })
        {
            return "only HTTP networking takes domains, and domain filtering is not enforced on this node";
        }

        if (!IsNetworked(network))
        {
            return null;
        }

        if (!type.Equals(NetworkTypes.Host, StringComparison.OrdinalIgnoreCase) && !type.Equals(NetworkTypes.Full, StringComparison.OrdinalIgnoreCase))
        {
            return $"unknown network type '{network.Type}'";
        }

        return acceptNetworkedJobs ? null : $"this node does not accept networked jobs ({network.Type}); its operator allows them with {JobAdmissionControlOptions.SectionName}.AcceptNetworkedJobs";
    }
}

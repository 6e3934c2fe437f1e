using Bacalhau.Contracts.Models;
using Bacalhau.ServiceDefaults.Nats;

namespace Bacalhau.Orchestrator.Cluster;

/// <summary>This orchestrator as a node of the cluster: its info, with its role, for the agent and the node list.</summary>
internal sealed class OrchestratorNode(OrchestratorIdentity identity, NatsClientSettings nats, IClusterLeadership leadership)
{
    private NodeState? _state;

    /// <summary>
    /// As the node list shows it: approved and connected, since it is the one answering. One instance per role, so the
    /// node list's per-instance JSON cache serves it until the role changes.
    /// </summary>
    public NodeState State
    {
        get
        {
            var role = RoleName(leadership.Role);
            if (_state is { } state && state.Info.ClusterRole == role)
            {
                return state;
            }

            return _state = new NodeState
            {
                Info = identity.ToNodeInfo(nats, role),
                Membership = NodeMembership.Approved,
                ConnectionState = new ConnectionState { Status = NodeConnectionStatus.Connected },
            };
        }
    }

    public static string RoleName(OrchestratorRole role) => role == OrchestratorRole.Leader ? "leader" : "follower";
}

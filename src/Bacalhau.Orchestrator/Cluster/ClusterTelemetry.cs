using System.Diagnostics;

namespace Bacalhau.Orchestrator.Cluster;

/// <summary>Spans of the replicated log: appends on the leader, applies on a follower.</summary>
internal static class ClusterTelemetry
{
    public static readonly ActivitySource Source = new("Bacalhau.Orchestrator.Cluster");
}

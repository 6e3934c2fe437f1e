namespace Bacalhau.AppHost;

/// <summary>The <c>Cluster</c> section of the AppHost's configuration: the shape of the local cluster.</summary>
public sealed class ClusterOptions
{
    public const string SectionName = "Cluster";

    public int ComputeReplicas { get; set; } = 3;

    /// <summary>Orchestrators, each with its own NATS server, the servers joined by routes into one cluster; 1 runs one alone.</summary>
    public int Orchestrators { get; set; } = 1;

    /// <summary>Name of the NATS cluster the servers form when there are several.</summary>
    public string ClusterName { get; set; } = "bacalhau";

    /// <summary>
    /// Port of the (first) orchestrator's REST API (Bacalhau's 1234, so the CLI needs no flags), the next ones on the
    /// ports after it; 0 lets Aspire pick them.
    /// </summary>
    public int ApiPort { get; set; } = 1234;

    /// <summary>Where NATS, the orchestrator and the compute nodes keep their state; default <c>.data</c> beside the AppHost.</summary>
    public string? DataDir { get; set; }
}

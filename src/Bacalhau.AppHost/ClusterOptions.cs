namespace Bacalhau.AppHost;

/// <summary>The <c>Cluster</c> section of the AppHost's configuration: the shape of the local cluster.</summary>
public sealed class ClusterOptions
{
    public const string SectionName = "Cluster";

    public int ComputeReplicas { get; set; } = 3;

    /// <summary>Port of the orchestrator's REST API (Bacalhau's 1234, so the CLI needs no flags); 0 lets Aspire pick one.</summary>
    public int ApiPort { get; set; } = 1234;

    /// <summary>Where NATS, the orchestrator and the compute nodes keep their state; default <c>.data</c> beside the AppHost.</summary>
    public string? DataDir { get; set; }
}

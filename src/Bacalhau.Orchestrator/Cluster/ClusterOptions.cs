namespace Bacalhau.Orchestrator.Cluster;

/// <summary>
/// The <c>Orchestrator:Cluster</c> section, with Bacalhau's keys: the NATS cluster this orchestrator's server joins by
/// routes. With <see cref="Peers"/> set the orchestrators replicate their state in JetStream and one of them leads;
/// without, the orchestrator runs alone on embedded SQLite.
/// </summary>
public sealed class ClusterOptions
{
    public const string SectionName = "Orchestrator:Cluster";

    /// <summary>Name of the NATS cluster; every server of one cluster gives the same.</summary>
    public string? Name { get; set; }

    /// <summary>Address the server's route listener binds to.</summary>
    public string Host { get; set; } = "0.0.0.0";

    /// <summary>Port of the server's route listener (NATS's 6222).</summary>
    public int Port { get; set; } = 6222;

    /// <summary>The route address other servers reach this one at (host:port), when it differs from the listener's.</summary>
    public string? Advertise { get; set; }

    /// <summary>Route URLs of the other orchestrators' servers (<c>nats://host:port</c>).</summary>
    public string[] Peers { get; set; } = [];

    /// <summary>How long the leader's lease lasts unrenewed; it renews every third of that, and a follower takes over after it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The base URL of this orchestrator's REST API as the others reach it, when Kestrel's bound address is not it.</summary>
    public string? ApiAdvertise { get; set; }

    /// <summary>The orchestrators of the cluster: this one and its peers.</summary>
    public int Orchestrators => Peers.Length + 1;

    /// <summary>True when the orchestrator is one of several that replicate their state.</summary>
    public bool IsReplicated => Orchestrators > 1;
}

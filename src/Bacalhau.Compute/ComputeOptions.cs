namespace Bacalhau.Compute;

/// <summary>The <c>Compute</c> configuration section, named as Bacalhau names its keys.</summary>
public sealed class ComputeOptions
{
    public const string SectionName = "Compute";

    /// <summary>
    /// NATS addresses of the orchestrators (<c>host:port</c>, or multiaddrs that make the orchestrator prove its peer ID);
    /// empty means the <c>nats</c> connection string.
    /// </summary>
    public List<string> Orchestrators { get; set; } = [];

    /// <summary>Port of the REST API an orchestrator given as a multiaddr without <c>/p2p/</c> is asked its peer ID on.</summary>
    public int OrchestratorApiPort { get; set; } = 1234;

    public AuthOptions Auth { get; set; } = new();

    public HeartbeatOptions Heartbeat { get; set; } = new();

    public TlsOptions Tls { get; set; } = new();

    /// <summary>
    /// When several identical replicas share one data directory (an Aspire cluster), each claims its own numbered
    /// subdirectory so that every replica keeps a distinct, stable node ID.
    /// </summary>
    public bool ClaimReplicaSlot { get; set; }

    /// <summary>Host directories whose contents <c>local</c> input sources may mount (read-only).</summary>
    public List<string> AllowListedLocalPaths { get; set; } = [];

    /// <summary>How much of the machine this node offers to jobs (<c>Compute.AllocatedCapacity.CPU=85%</c>).</summary>
    public Nodes.AllocatedCapacity AllocatedCapacity { get; set; } = new();

    public sealed class AuthOptions
    {
        public string? Token { get; set; }

        /// <summary>
        /// With the token, enroll for NATS credentials of this node's own (the orchestrator's NATS server in operator
        /// mode); false presents the token itself, to a server that takes tokens (the published deployment).
        /// </summary>
        public bool Enroll { get; set; } = true;
    }

    public sealed class TlsOptions
    {
        /// <summary>PEM file of the cluster CA: NATS over TLS only, to a server with a certificate of that CA.</summary>
        public string? CACert { get; set; }

        /// <summary>
        /// NATS over TLS only; with orchestrators given as <c>/p2p/&lt;id&gt;</c> the server's certificate is pinned to
        /// those peers, so no CA file is needed. Without it, such a node uses TLS when the server requires it, pinned too.
        /// </summary>
        public bool Enabled { get; set; }
    }

    public sealed class HeartbeatOptions
    {
        public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

        public TimeSpan InfoUpdateInterval { get; set; } = TimeSpan.FromMinutes(1);
    }
}

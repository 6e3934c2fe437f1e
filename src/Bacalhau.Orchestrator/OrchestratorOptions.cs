namespace Bacalhau.Orchestrator;

/// <summary>The <c>Orchestrator</c> configuration section, named as Bacalhau names its keys.</summary>
public sealed class OrchestratorOptions
{
    public const string SectionName = "Orchestrator";

    public AuthOptions Auth { get; set; } = new();

    public NodeManagerOptions NodeManager { get; set; } = new();

    public sealed class AuthOptions
    {
        /// <summary>Token compute nodes present to NATS; given to the NATS client of this orchestrator too.</summary>
        public string? Token { get; set; }

        /// <summary>
        /// The NATS account key (an nkey seed file, 0600) of a server in operator mode: this orchestrator connects as
        /// a user it signs and enrolls compute nodes. Unset: the server takes the token alone.
        /// </summary>
        public string? NatsAccountSeedFile { get; set; }
    }
}

/// <summary>The <c>Orchestrator:NodeManager</c> section.</summary>
public sealed class NodeManagerOptions
{
    public const string SectionName = "Orchestrator:NodeManager";

    /// <summary>A node with no heartbeat for this long is marked DISCONNECTED (Bacalhau: 1 minute).</summary>
    public TimeSpan DisconnectTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>New nodes start PENDING until approved, instead of APPROVED.</summary>
    public bool ManualApproval { get; set; }
}

namespace Bacalhau.Cli.Configuration;

/// <summary>The configuration keys the CLI and <c>bacalhau serve</c> know; anything else is a typo and is refused.</summary>
internal static class ConfigKeys
{
    public static readonly ConfigKey ApiHost = new("API.Host", ConfigValueType.String, "address the REST API binds to; clients connect to it (127.0.0.1 when it is 0.0.0.0)", "0.0.0.0");
    public static readonly ConfigKey ApiPort = new("API.Port", ConfigValueType.Port, "port of the REST API", "1234");
    public static readonly ConfigKey ApiAuthUsers = new("API.Auth.Users", ConfigValueType.Tree, "users of the orchestrator's REST API: [{Alias, Username, Password: <bacalhau auth hash-password>, APIKey, Capabilities: [{Actions: [read:*, write:job, write:node, *]}]}]") { Secret = true };
    public static readonly ConfigKey ApiAuthAllowAnonymousLoopback = new("API.Auth.AllowAnonymousLoopback", ConfigValueType.Bool, "requests from the orchestrator's own host need no credentials", "true");
    public static readonly ConfigKey ApiAuthFailedAttemptsPerMinute = new("API.Auth.FailedAttemptsPerMinute", ConfigValueType.Count, "failed authentications one client address may make per minute before it gets 429 (0: no limit)", "10");
    public static readonly ConfigKey ApiAuthAnonymousActions = new("API.Auth.AnonymousActions", ConfigValueType.List, "actions anyone may take without credentials from any address (read:*, write:job, ...; none by default)");
    public static readonly ConfigKey ApiKey = new("API.Auth.APIKey", ConfigValueType.String, "API key the CLI sends to the orchestrator (without one, the CLI uses the admin key a local orchestrator saved in the data dir)", EnvironmentVariable: "BACALHAU_API_KEY") { Secret = true };
    public static readonly ConfigKey ApiUsername = new("API.Auth.Username", ConfigValueType.String, "username the CLI sends with API.Auth.Password when it has no API key", EnvironmentVariable: "BACALHAU_API_USERNAME");
    public static readonly ConfigKey ApiPassword = new("API.Auth.Password", ConfigValueType.String, "password of API.Auth.Username", EnvironmentVariable: "BACALHAU_API_PASSWORD") { Secret = true };
    public static readonly ConfigKey ApiTlsCertFile = new("API.TLS.CertFile", ConfigValueType.String, "PEM certificate (chain) the REST API serves https with; with API.TLS.KeyFile");
    public static readonly ConfigKey ApiTlsKeyFile = new("API.TLS.KeyFile", ConfigValueType.String, "PEM private key of API.TLS.CertFile");
    public static readonly ConfigKey ApiTlsUseTls = new("API.TLS.UseTLS", ConfigValueType.Bool, "the CLI talks https to the orchestrator (--api-tls)", "false");
    public static readonly ConfigKey ApiTlsCaCert = new("API.TLS.CACert", ConfigValueType.String, "PEM file of the CA the CLI trusts for the orchestrator's certificate, besides the system's (--cacert)");
    public static readonly ConfigKey ApiMaxRequestBodySize = new("API.MaxRequestBodySize", ConfigValueType.Count, "largest request body the REST API reads, in bytes", "1048576");
    public static readonly ConfigKey ApiSubmitsPerSecond = new("API.RateLimit.SubmitsPerSecond", ConfigValueType.Count, "job submissions one client address may make per second (0: no limit)", "100");
    public static readonly ConfigKey ApiRateLimitExemptLoopback = new("API.RateLimit.ExemptLoopback", ConfigValueType.Bool, "clients on this machine are not rate limited", "true");
    public static readonly ConfigKey NameProvider = new("NameProvider", ConfigValueType.String, "how a new node is named: puuid (n-<UUID>), uuid, hostname, or the node ID itself; unset, the node's peer ID");
    public static readonly ConfigKey DataDir = new("DataDir", ConfigValueType.String, "where a node keeps its state and the CLI its config.yaml", "~/.bacalhau", "BACALHAU_DIR");
    public static readonly ConfigKey Labels = new("Labels", ConfigValueType.Map, "labels of this node, matched by job constraints, besides the automatic Operating-System, Architecture, hostname (and GPU-<n>) ones") { Flag = "labels" };
    public static readonly ConfigKey LoggingLevel = new("Logging.Level", ConfigValueType.Choice, "least severe log messages `bacalhau serve` writes", "info") { Choices = ["trace", "debug", "info", "warn", "error", "fatal"] };
    public static readonly ConfigKey LoggingMode = new("Logging.Mode", ConfigValueType.Choice, "how `bacalhau serve` writes log messages: default (text) or json (one JSON object a line)", "default") { Choices = ["default", "json"] };
    public static readonly ConfigKey EnginesDisabled = new("Engines.Disabled", ConfigValueType.List, "engines this compute node neither offers nor runs (docker, wasm, noop)");
    public static readonly ConfigKey PublishersDisabled = new("Publishers.Disabled", ConfigValueType.List, "publishers this compute node neither offers nor uses (local, ipfs, noop)");
    public static readonly ConfigKey InputSourcesDisabled = new("InputSources.Disabled", ConfigValueType.List, "input source types this compute node refuses jobs with (urlDownload, ipfs, local, inline)");
    public static readonly ConfigKey OrchestratorEnabled = new("Orchestrator.Enabled", ConfigValueType.Bool, "`bacalhau serve` runs an orchestrator", "false");
    public static readonly ConfigKey OrchestratorHost = new("Orchestrator.Host", ConfigValueType.String, "address the embedded NATS server binds to", "0.0.0.0");
    public static readonly ConfigKey OrchestratorPort = new("Orchestrator.Port", ConfigValueType.Port, "port of the embedded NATS server; when set, also names the node's key file private_key.<port> (else private_key.1235)", "4222");
    public static readonly ConfigKey OrchestratorAuthToken = new("Orchestrator.Auth.Token", ConfigValueType.String, "token compute nodes present to the orchestrator's NATS (generated when unset)") { Secret = true };
    public static readonly ConfigKey OrchestratorTlsEnabled = new("Orchestrator.TLS.Enabled", ConfigValueType.Bool, "the embedded NATS server requires TLS, with a certificate of the cluster CA created in the data dir, bound to this node's peer ID (nodes trust <DataDir>/orchestrator/nats-auth/ca.pem with Compute.TLS.CACert, or pin the peer ID with --peer .../p2p/<id>)", "false");
    public static readonly ConfigKey OrchestratorClusterName = new("Orchestrator.Cluster.Name", ConfigValueType.String, "name of the NATS cluster the orchestrators' servers form; the same on each", "bacalhau") { Flag = "cluster-name" };
    public static readonly ConfigKey OrchestratorClusterHost = new("Orchestrator.Cluster.Host", ConfigValueType.String, "address the embedded NATS server listens on for routes from the other orchestrators", "0.0.0.0") { Flag = "cluster-host" };
    public static readonly ConfigKey OrchestratorClusterPort = new("Orchestrator.Cluster.Port", ConfigValueType.Port, "port the embedded NATS server listens on for routes from the other orchestrators", "6222") { Flag = "cluster-port" };
    public static readonly ConfigKey OrchestratorClusterAdvertise = new("Orchestrator.Cluster.Advertise", ConfigValueType.String, "host:port the other orchestrators reach this one's routes at, when not the listener's") { Flag = "cluster-advertised-address" };
    public static readonly ConfigKey OrchestratorClusterLeaseDuration = new("Orchestrator.Cluster.LeaseDuration", ConfigValueType.Duration, "how long the leader's lease lasts unrenewed; a follower takes over after it (at least 1s)", "5s");
    public static readonly ConfigKey OrchestratorClusterApiAdvertise = new("Orchestrator.Cluster.ApiAdvertise", ConfigValueType.String, "this orchestrator's REST API URL as the other orchestrators reach it (default: the API's first address)");
    public static readonly ConfigKey OrchestratorClusterPeers = new("Orchestrator.Cluster.Peers", ConfigValueType.List, "route addresses (nats://host:port) of the other orchestrators' NATS servers; set, the embedded server joins their cluster (all share the keys in <DataDir>/orchestrator/nats-auth and the token)") { Flag = "cluster-peers" };
    public static readonly ConfigKey DisconnectTimeout = new("Orchestrator.NodeManager.DisconnectTimeout", ConfigValueType.Duration, "a node silent for this long is DISCONNECTED", "1m");
    public static readonly ConfigKey ManualApproval = new("Orchestrator.NodeManager.ManualApproval", ConfigValueType.Bool, "new nodes wait PENDING until approved", "false");
    public static readonly ConfigKey MaxCount = new("Orchestrator.Scheduler.MaxCount", ConfigValueType.Count, "the most executions one job may ask for (its Count)", "1000");
    public static readonly ConfigKey MaxRetries = new("Orchestrator.Scheduler.MaxRetries", ConfigValueType.Count, "failed attempts tolerated per partition of a batch or service job before the job fails", "3");
    public static readonly ConfigKey QueueTimeout = new("Orchestrator.Scheduler.QueueTimeout", ConfigValueType.Duration, "how long a job waits for a node that can take it, unless it sets Timeouts.QueueTimeout", "5m");
    public static readonly ConfigKey WebUiDashboardUrl = new("Orchestrator.WebUi.DashboardUrl", ConfigValueType.String, "base URL of the dashboard that receives the traces; set, the web UI links each job to its traces there");
    public static readonly ConfigKey ComputeEnabled = new("Compute.Enabled", ConfigValueType.Bool, "`bacalhau serve` runs a compute node", "false");
    public static readonly ConfigKey ComputeOrchestrators = new("Compute.Orchestrators", ConfigValueType.List, "NATS addresses of the orchestrators: nats://host:port, host:port, token@host:port, or multiaddrs (/ip4/<ip>/tcp/<port>[/p2p/<peer ID>]) whose orchestrator must prove its peer ID", "nats://127.0.0.1:4222");
    public static readonly ConfigKey ComputeOrchestratorApiPort = new("Compute.OrchestratorAPIPort", ConfigValueType.Port, "REST API port a compute node asks for the peer ID of an orchestrator given as a multiaddr without /p2p/", "1234");
    public static readonly ConfigKey ComputeAuthToken = new("Compute.Auth.Token", ConfigValueType.String, "token this compute node presents to the orchestrators (a token in the address wins)") { Secret = true };
    public static readonly ConfigKey ComputeAuthEnroll = new("Compute.Auth.Enroll", ConfigValueType.Bool, "enroll with the token for NATS credentials of this node's own; false presents the token itself (a server in token mode)", "true");
    public static readonly ConfigKey ComputeTlsCaCert = new("Compute.TLS.CACert", ConfigValueType.String, "PEM file of the cluster CA: this compute node connects to NATS over TLS only, to a server with a certificate of that CA");
    public static readonly ConfigKey ComputeTlsEnabled = new("Compute.TLS.Enabled", ConfigValueType.Bool, "this compute node connects to NATS over TLS only; orchestrators given as /p2p/<peer ID> must present a certificate bound to that peer (no CA file needed), and without this setting they are pinned whenever the server requires TLS", "false");
    public static readonly ConfigKey HeartbeatInterval = new("Compute.Heartbeat.Interval", ConfigValueType.Duration, "heartbeat period", "15s");
    public static readonly ConfigKey InfoUpdateInterval = new("Compute.Heartbeat.InfoUpdateInterval", ConfigValueType.Duration, "node info refresh period", "1m");
    public static readonly ConfigKey AllowListedLocalPaths = new("Compute.AllowListedLocalPaths", ConfigValueType.List, "host directories `local` input sources may mount, read-only");
    public static readonly ConfigKey ClaimReplicaSlot = new("Compute.ClaimReplicaSlot", ConfigValueType.Bool, "compute nodes sharing one data dir each claim a numbered slot in it, with a node ID of its own", "false");
    public static readonly ConfigKey DockerHost = new("Compute.Docker.Host", ConfigValueType.String, "Docker daemon of the docker engine (DOCKER_HOST, else unix:///var/run/docker.sock)");
    public static readonly ConfigKey DockerDefaultMemory = new("Compute.Docker.DefaultMemory", ConfigValueType.String, "memory limit of a container whose job asks for none", "1Gb");
    public static readonly ConfigKey DockerDefaultCpu = new("Compute.Docker.DefaultCPU", ConfigValueType.String, "CPU limit of a container whose job asks for none, in cores", "500m");
    public static readonly ConfigKey DockerPidsLimit = new("Compute.Docker.PidsLimit", ConfigValueType.Count, "most processes one container may have", "1024");
    public static readonly ConfigKey DockerMaxOutputBytes = new("Compute.Docker.MaxOutputBytes", ConfigValueType.Count, "bytes of stdout, and as many of stderr, kept of one execution", "1048576");
    public static readonly ConfigKey LocalPublisherAddress = new("Compute.Publishers.Local.Address", ConfigValueType.String, "host or IP clients download `local` results from", "127.0.0.1");
    public static readonly ConfigKey LocalPublisherPort = new("Compute.Publishers.Local.Port", ConfigValueType.Port, "port clients download `local` results from (the node's own HTTP port when unset)");
    public static readonly ConfigKey PublishersLocalAddress = new("Publishers.Types.Local.Address", ConfigValueType.String, "Bacalhau's name of Compute.Publishers.Local.Address") { ConfigurationPath = LocalPublisherAddress.ConfigurationPath };
    public static readonly ConfigKey PublishersLocalPort = new("Publishers.Types.Local.Port", ConfigValueType.Port, "Bacalhau's name of Compute.Publishers.Local.Port") { ConfigurationPath = LocalPublisherPort.ConfigurationPath };
    public static readonly ConfigKey AllocatedCpu = new("Compute.AllocatedCapacity.CPU", ConfigValueType.Capacity, "CPU this compute node offers to jobs: cores (2, 500m) or a share of the machine's", "80%");
    public static readonly ConfigKey AllocatedMemory = new("Compute.AllocatedCapacity.Memory", ConfigValueType.Capacity, "memory this compute node offers to jobs: a size (4Gi, 500Mb) or a share of the machine's", "80%");
    public static readonly ConfigKey AllocatedDisk = new("Compute.AllocatedCapacity.Disk", ConfigValueType.Capacity, "disk this compute node offers to jobs: a size (10Gi) or a share of what is free where its data dir is", "80%");
    public static readonly ConfigKey AllocatedGpu = new("Compute.AllocatedCapacity.GPU", ConfigValueType.Capacity, "GPUs this compute node offers to jobs: a number or a share of the machine's (rounded up)", "100%");
    public static readonly ConfigKey AcceptNetworkedJobs = new("JobAdmissionControl.AcceptNetworkedJobs", ConfigValueType.Bool, "this compute node runs jobs that ask for a network (Host, Full: the host's network)", "false");
    public static readonly ConfigKey InputReadTimeout = new("InputSources.ReadTimeout", ConfigValueType.Duration, "longest time one input (urlDownload, ipfs, s3) may take to fetch", "5m");
    public static readonly ConfigKey InputMaxIpfsSize = new("InputSources.MaxIpfsSize", ConfigValueType.Count, "largest ipfs input in bytes, as read from the content store and unpacked", "1073741824");
    public static readonly ConfigKey InputMaxS3Size = new("InputSources.MaxS3Size", ConfigValueType.Count, "largest s3 input in bytes, its objects together", "1073741824");
    public static readonly ConfigKey S3PreSignedUrlDisabled = new("Publishers.Types.S3.PreSignedURLDisabled", ConfigValueType.Bool, "the orchestrator hands out s3 results as they are, without a URL it signed to download them at", "false");
    public static readonly ConfigKey S3PreSignedUrlExpiration = new("Publishers.Types.S3.PreSignedURLExpiration", ConfigValueType.Duration, "how long the download URLs the orchestrator signs for s3 results stay valid (at most 7 days)", "15m");

    public static IReadOnlyList<ConfigKey> All { get; } =
    [
        ApiHost, ApiPort, ApiAuthUsers, ApiAuthAllowAnonymousLoopback, ApiAuthFailedAttemptsPerMinute, ApiAuthAnonymousActions, ApiKey, ApiUsername, ApiPassword,
        ApiTlsCertFile, ApiTlsKeyFile, ApiTlsUseTls, ApiTlsCaCert, ApiMaxRequestBodySize, ApiSubmitsPerSecond, ApiRateLimitExemptLoopback,
        NameProvider, DataDir, Labels, LoggingLevel, LoggingMode, EnginesDisabled, PublishersDisabled, InputSourcesDisabled,
        OrchestratorEnabled, OrchestratorHost, OrchestratorPort, OrchestratorAuthToken, OrchestratorTlsEnabled,
        OrchestratorClusterName, OrchestratorClusterHost, OrchestratorClusterPort, OrchestratorClusterAdvertise, OrchestratorClusterPeers, OrchestratorClusterLeaseDuration, OrchestratorClusterApiAdvertise, DisconnectTimeout, ManualApproval,
        MaxCount, MaxRetries, QueueTimeout, WebUiDashboardUrl,
        ComputeEnabled, ComputeOrchestrators, ComputeOrchestratorApiPort, ComputeAuthToken, ComputeAuthEnroll, ComputeTlsCaCert, ComputeTlsEnabled, HeartbeatInterval, InfoUpdateInterval,
        AllowListedLocalPaths, ClaimReplicaSlot, DockerHost, DockerDefaultMemory, DockerDefaultCpu, DockerPidsLimit, DockerMaxOutputBytes,
        LocalPublisherAddress, LocalPublisherPort, PublishersLocalAddress, PublishersLocalPort, AllocatedCpu, AllocatedMemory, AllocatedDisk, AllocatedGpu,
        AcceptNetworkedJobs, InputReadTimeout, InputMaxIpfsSize, InputMaxS3Size, S3PreSignedUrlDisabled, S3PreSignedUrlExpiration,
        .. JobDefaultKeys(),
    ];

    /// <summary>
    /// <c>JobDefaults.&lt;Type&gt;...</c>: what the orchestrator gives a submitted job of that type where it leaves a field
    /// out. Batch and ops jobs also have timeouts and a publisher, as in Bacalhau.
    /// </summary>
    private static IEnumerable<ConfigKey> JobDefaultKeys()
    {
        foreach (var type in (string[])["Batch", "Ops", "Service", "Daemon"])
        {
            var prefix = $"JobDefaults.{type}";
            var jobs = $"{type.ToLowerInvariant()} jobs";
            yield return new ConfigKey($"{prefix}.Priority", ConfigValueType.Count, $"priority of {jobs} that give none");
            foreach (var resource in (string[])["CPU", "Memory", "Disk", "GPU"])
            {
                yield return new ConfigKey($"{prefix}.Task.Resources.{resource}", ConfigValueType.Resource, $"{resource} of {jobs} that ask for none");
            }

            if (type is "Batch" or "Ops")
            {
                yield return new ConfigKey($"{prefix}.Task.Timeouts.ExecutionTimeout", ConfigValueType.Duration, $"execution timeout of {jobs} that give none");
                yield return new ConfigKey($"{prefix}.Task.Timeouts.TotalTimeout", ConfigValueType.Duration, $"total timeout of {jobs} that give none");
                yield return new ConfigKey($"{prefix}.Task.Publisher.Type", ConfigValueType.String, $"publisher of {jobs} that name none (local, ipfs, s3, noop)");
                yield return new ConfigKey($"{prefix}.Task.Publisher.Params", ConfigValueType.Map, "parameters of that publisher (Key=value, comma-separated)");
            }
        }
    }

    /// <summary>The key named <paramref name="name"/>, in any casing; null when there is none.</summary>
    public static ConfigKey? Find(string name) => All.FirstOrDefault(k => string.Equals(k.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The key Bacalhau also takes as <c>--<paramref name="flag"/></c> (<c>--cluster-peers</c>); null when there is none.</summary>
    public static ConfigKey? FindFlag(string flag) => All.FirstOrDefault(k => string.Equals(k.Flag, flag, StringComparison.Ordinal));

    /// <summary>
    /// The one rule for a key named anywhere (<c>config set</c>, a config file, a flag, <c>-c Key=value</c>, the
    /// environment): a key we know; else a key of Bacalhau's that this node does not apply (<see cref="ConfigKey.Applied"/>
    /// false: whoever meets it warns with <see cref="NotAppliedWarning"/>); else an error, <paramref name="unknown"/> if given.
    /// </summary>
    public static ConfigKey Get(string name, string? unknown = null) =>
        Find(name)
        ?? (BacalhauKeys.Knows(name.Trim())
            ? new ConfigKey(name.Trim(), ConfigValueType.String, "a key of Bacalhau's this node does not apply") { Applied = false }
            : throw new CliException(unknown ?? $"unknown config key '{name}'; see `bacalhau config list`"));

    public static string NotAppliedWarning(ConfigKey key) => $"config key '{key.Name}' is Bacalhau's and is not applied by this node; it is ignored";
}

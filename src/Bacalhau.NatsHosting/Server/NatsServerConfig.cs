using System.Globalization;
using Bacalhau.Identity;

namespace Bacalhau.NatsHosting.Server;

/// <summary>
/// One nats-server as the project runs it: in operator mode, from a 0600 config file written with the cluster's keys
/// (<see cref="NatsClusterKeys"/>), the token only shaping the enrollment account inside that file; with
/// <see cref="Tls"/> it requires TLS with a certificate of the cluster CA; with <see cref="Cluster"/> it joins a
/// cluster by routes. <see cref="AccountSeedFile"/> signs the users that connect. Shared by <c>bacalhau serve</c>, the AppHost's resource, the benchmark and the tests.
/// </summary>
public sealed record NatsServerConfig(string Host, int Port, string StoreDirectory, string ConfigFile, string PidFile, string AccountSeedFile, NatsServerTls? Tls, NatsServerCluster? Cluster = null)
{
    public const string PidFileName = "nats-server.pid";

    /// <summary>
    /// Generates (first time) or loads the keys in <paramref name="keysDirectory"/> and writes the server's config
    /// file; with <paramref name="tlsNodeKey"/>, the orchestrator's key, the server requires TLS bound to its peer ID;
    /// with <paramref name="cluster"/> it joins that cluster. The PID file sits beside the store directory.
    /// </summary>
    public static NatsServerConfig Write(string keysDirectory, string token, string host, int port, string storeDirectory, NodeKey? tlsNodeKey = null, NatsServerCluster? cluster = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(keysDirectory);
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentException.ThrowIfNullOrEmpty(storeDirectory);

        var store = Path.GetFullPath(storeDirectory);
        Directory.CreateDirectory(store);
        using var keys = NatsClusterKeys.LoadOrCreate(keysDirectory);
        var tls = tlsNodeKey is null ? null : NatsClusterCertificates.Issue(keysDirectory, host, tlsNodeKey);
        var config = keys.WriteServerConfig(token, host, port, store, tls, cluster);
        return new(host, port, store, config, PidFileOf(store), keys.AccountSeedPath, tls, cluster);
    }

    /// <summary>Where a server with the store <paramref name="storeDirectory"/> writes its PID.</summary>
    public static string PidFileOf(string storeDirectory) =>
        Path.Join(Path.GetDirectoryName(Path.GetFullPath(storeDirectory)), PidFileName);

    /// <summary>
    /// The command line: the config file and the PID file, nothing secret. The PID file stays on it so that a later
    /// start recognises, in <c>/proc</c>, a server it may stop (<see cref="LeftoverNatsServer"/>).
    /// </summary>
    public IReadOnlyList<string> Arguments => ["-c", ConfigFile, "--pid", PidFile];

    /// <summary>The address a client on this machine connects to: loopback when the server listens on every interface.</summary>
    public string ClientUrl => ClientUrlFor(Host, Port);

    public static string ClientUrlFor(string host, int port) =>
        $"nats://{(host is "0.0.0.0" or "::" or "[::]" ? "127.0.0.1" : host)}:{port.ToString(CultureInfo.InvariantCulture)}";
}

using System.Globalization;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Identity.Nodes;
using Bacalhau.NatsHosting.Server;
using NATS.NKeys;

namespace Bacalhau.NatsHosting;

/// <summary>
/// The keys of a cluster's NATS server in operator mode, kept (0600) in one directory: the operator, the system
/// account and the cluster's account, whose key signs every user. From them and the cluster token it writes the
/// server's config file. Shared by <c>bacalhau serve</c>, the AppHost and the benchmark. The servers of one cluster
/// share these keys (one directory, or its <c>*.nk</c> files copied into each server's before its first start): the
/// accounts must be the same on every server, and the routes' credentials are derived from the operator key.
/// </summary>
public sealed class NatsClusterKeys : IDisposable
{
    public const string AccountSeedFileName = "account.nk";

    /// <summary>The system account's key, beside the account's: the orchestrator signs itself a system user with it.</summary>
    public const string SystemSeedFileName = "system.nk";
    public const string ServerConfigFileName = "nats-server.conf";
    private const string RouteUser = "route";
    private const string RoutePasswordLabel = "bacalhau nats cluster routes v1";

    private readonly KeyPair _operator;
    private readonly KeyPair _system;
    private readonly KeyPair _account;

    private NatsClusterKeys(string directory, KeyPair op, KeyPair system, KeyPair account)
    {
        Directory = directory;
        _operator = op;
        _system = system;
        _account = account;
    }

    public string Directory { get; }

    /// <summary>The file the orchestrator reads the account key from (<c>Orchestrator:Auth:NatsAccountSeedFile</c>).</summary>
    public string AccountSeedPath => Path.Combine(Directory, AccountSeedFileName);

    public string ServerConfigPath => Path.Combine(Directory, ServerConfigFileName);

    /// <summary>The config file of server <paramref name="serverName"/> of a cluster, so that servers sharing the keys keep one each.</summary>
    public string ServerConfigPathOf(string serverName) => Path.Combine(Directory, $"nats-server.{serverName}.conf");

    /// <summary>The keys in <paramref name="directory"/>, each generated on first use and reused after.</summary>
    public static NatsClusterKeys LoadOrCreate(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        System.IO.Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return new NatsClusterKeys(
            directory,
            NKeySeeds.LoadOrCreate(Path.Combine(directory, "operator.nk"), PrefixByte.Operator),
            NKeySeeds.LoadOrCreate(Path.Combine(directory, SystemSeedFileName), PrefixByte.Account),
            NKeySeeds.LoadOrCreate(Path.Combine(directory, AccountSeedFileName), PrefixByte.Account));
    }

    /// <summary>A signer of users of the cluster's account, as the orchestrator has it.</summary>
    public NatsAccountSigner Signer() => new(KeyPair.FromSeed(_account.GetSeed()));

    /// <summary>
    /// Writes (0600) the server's config file: listen address, JetStream store, the operator and the three accounts
    /// preloaded. The enrollment account's key is derived from <paramref name="token"/>, so token holders can reach
    /// only the enrollment service the cluster's account exports to it. With <paramref name="tls"/> the server
    /// requires TLS of every client (no <c>verify</c>: clients authenticate by their JWTs). With
    /// <paramref name="cluster"/> it joins that cluster by routes, which authenticate with a user and password derived
    /// from the operator key, written only into this file; its file is then named after the server.
    /// </summary>
    public string WriteServerConfig(string token, string host, int port, string storeDirectory, NatsServerTls? tls = null, NatsServerCluster? cluster = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentException.ThrowIfNullOrEmpty(storeDirectory);
        if (cluster is not null && (cluster.ServerName.Length == 0 || !cluster.ServerName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            throw new ArgumentException($"the server name '{cluster.ServerName}' must be letters, digits, '-' or '_': it names the server in its cluster and its config file", nameof(cluster));
        }

        using var enroll = EnrollmentAccount.KeyFor(token);
        var app = _account.GetPublicKey();
        var system = _system.GetPublicKey();
        var enrollment = new NatsService(Subjects.Enroll, app);
        var accounts = new Dictionary<string, string>
        {
            [system] = NatsJwt.Account(_operator, system, "SYS", jetStream: false, [], []),
            [app] = NatsJwt.Account(_operator, app, "BACALHAU", jetStream: true, [enrollment], []),
            [enroll.GetPublicKey()] = NatsJwt.Account(_operator, enroll.GetPublicKey(), "ENROLL", jetStream: false, [], [enrollment]),
        };

        var config = new StringBuilder();
        if (cluster is not null)
        {
            // JetStream in a cluster needs a name per server.
            config.Append("server_name: ").AppendLine(Quote(cluster.ServerName));
        }

        config
            .Append("host: ").AppendLine(Quote(host))
            .Append("port: ").AppendLine(port.ToString(CultureInfo.InvariantCulture))
            .Append("jetstream { store_dir: ").Append(Quote(storeDirectory)).AppendLine(" }");
        if (tls is not null)
        {
            config.Append("tls { cert_file: ").Append(Quote(tls.CertFile)).Append(", key_file: ").Append(Quote(tls.KeyFile)).AppendLine(" }");
        }

        if (cluster is not null)
        {
            AppendCluster(config, cluster);
        }

        config
            .Append("operator: ").AppendLine(Quote(NatsJwt.Operator(_operator, "bacalhau", system)))
            .Append("system_account: ").AppendLine(system)
            .AppendLine("resolver: MEMORY")
            .AppendLine("resolver_preload {");
        foreach (var (account, jwt) in accounts)
        {
            config.Append("  ").Append(account).Append(": ").AppendLine(Quote(jwt));
        }

        config.AppendLine("}");
        var path = cluster is null ? ServerConfigPath : ServerConfigPathOf(cluster.ServerName);
        AtomicFile.Write(path, config.ToString(), overwrite: true, ownerOnly: true);
        return path;
    }

    public void Dispose()
    {
        _operator.Dispose();
        _system.Dispose();
        _account.Dispose();
    }

    private void AppendCluster(StringBuilder config, NatsServerCluster cluster)
    {
        var password = RoutePassword();
        config
            .AppendLine("cluster {")
            .Append("  name: ").AppendLine(Quote(cluster.Name))
            .Append("  listen: ").AppendLine(Quote(cluster.Listen));
        if (cluster.Advertise is { Length: > 0 } advertise)
        {
            config.Append("  advertise: ").AppendLine(Quote(advertise));
        }

        config
            .Append("  authorization { user: ").Append(Quote(RouteUser)).Append(", password: ").Append(Quote(password)).AppendLine(" }")
            .AppendLine("  routes: [");
        foreach (var route in cluster.RouteAddresses())
        {
            config.Append("    ").AppendLine(Quote($"nats-route://{RouteUser}:{password}@{route}"));
        }

        config.AppendLine("  ]").AppendLine("}");
    }

    /// <summary>The same on every server holding the operator key, and nothing a compute node's token reveals.</summary>
    private string RoutePassword()
    {
        var seed = Encoding.UTF8.GetBytes(_operator.GetSeed());
        var raw = HKDF.DeriveKey(HashAlgorithmName.SHA256, seed, 32, salt: [], info: Encoding.UTF8.GetBytes(RoutePasswordLabel));
        try
        {
            // URL-safe: the password also sits in the route URLs.
            return Base64Url.EncodeToString(raw);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    private static string Quote(string value) => $"\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
}

using System.Globalization;
using System.Text;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Identity.Nodes;
using NATS.NKeys;

namespace Bacalhau.NatsHosting;

/// <summary>
/// The keys of a cluster's NATS server in operator mode, kept (0600) in one directory: the operator, the system
/// account and the cluster's account, whose key signs every user. From them and the cluster token it writes the
/// server's config file. Shared by <c>bacalhau serve</c>, the AppHost and the benchmark.
/// </summary>
public sealed class NatsClusterKeys : IDisposable
{
    public const string AccountSeedFileName = "account.nk";
    public const string ServerConfigFileName = "nats-server.conf";

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
            NKeySeeds.LoadOrCreate(Path.Combine(directory, "system.nk"), PrefixByte.Account),
            NKeySeeds.LoadOrCreate(Path.Combine(directory, AccountSeedFileName), PrefixByte.Account));
    }

    /// <summary>A signer of users of the cluster's account, as the orchestrator has it.</summary>
    public NatsAccountSigner Signer() => new(KeyPair.FromSeed(_account.GetSeed()));

    /// <summary>
    /// Writes (0600) the server's config file: listen address, JetStream store, the operator and the three accounts
    /// preloaded. The enrollment account's key is derived from <paramref name="token"/>, so token holders can reach
    /// only the enrollment service the cluster's account exports to it. With <paramref name="tls"/> the server
    /// requires TLS of every client (no <c>verify</c>: clients authenticate by their JWTs).
    /// </summary>
    public string WriteServerConfig(string token, string host, int port, string storeDirectory, NatsServerTls? tls = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentException.ThrowIfNullOrEmpty(storeDirectory);
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

        var config = new StringBuilder()
            .Append("host: ").AppendLine(Quote(host))
            .Append("port: ").AppendLine(port.ToString(CultureInfo.InvariantCulture))
            .Append("jetstream { store_dir: ").Append(Quote(storeDirectory)).AppendLine(" }");
        if (tls is not null)
        {
            config.Append("tls { cert_file: ").Append(Quote(tls.CertFile)).Append(", key_file: ").Append(Quote(tls.KeyFile)).AppendLine(" }");
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
        AtomicFile.Write(ServerConfigPath, config.ToString(), overwrite: true, ownerOnly: true);
        return ServerConfigPath;
    }

    public void Dispose()
    {
        _operator.Dispose();
        _system.Dispose();
        _account.Dispose();
    }

    private static string Quote(string value) => $"\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
}

using Bacalhau.NatsHosting;
using Bacalhau.NatsHosting.Server;
using NATS.Client.Core;

namespace Bacalhau.Bench.Infrastructure;

/// <summary>
/// Private <c>nats-server</c>s on free loopback ports in operator mode with JetStream, as the cluster runs them
/// (compute nodes enroll with the token; orchestrators and the benchmark's own clients are users signed by the account
/// key), started through the project's one launcher: one server, or several joined by routes into one JetStream
/// cluster under the same keys, one per orchestrator of a replicated cluster. Stopped by PID and their stores and keys
/// removed when disposed.
/// </summary>
internal sealed class NatsServer : IAsyncDisposable
{
    private readonly NatsServerProcess?[] _servers;
    private readonly NatsServerConfig[] _configs;
    private readonly string _directory;
    private readonly NatsAccountSigner _signer;

    private NatsServer(NatsServerProcess[] servers, string directory, string token)
    {
        _servers = servers;
        _configs = [.. servers.Select(s => s.Config)];
        _directory = directory;
        Token = token;
        _signer = NatsAccountSigner.Load(_configs[0].AccountSeedFile);
    }

    /// <summary>The first server's client URL.</summary>
    public string Url => UrlOf(0);

    public int Count => _configs.Length;

    public string Token { get; }

    /// <summary>The first server's PID, for the fault suite's SIGSTOP and SIGCONT.</summary>
    public int Pid => _servers[0]?.Pid ?? throw new InvalidOperationException("the server is not running");

    /// <summary>The PIDs of the servers running now.</summary>
    public IEnumerable<int> Pids => _servers.OfType<NatsServerProcess>().Select(s => s.Pid);

    /// <summary>The account key the orchestrator signs users with (<c>Orchestrator:Auth:NatsAccountSeedFile</c>).</summary>
    public string AccountSeedFile => _configs[0].AccountSeedFile;

    /// <summary>The route URLs of every server but <paramref name="index"/>: what that server's orchestrator names as its peers.</summary>
    public IReadOnlyList<string> PeersOf(int index) =>
        [.. _configs.Where((_, i) => i != index).Select(c => NatsServerCluster.RouteUrl(c.Cluster!.Host, c.Cluster.Port))];

    public string UrlOf(int index) => _configs[index].ClientUrl;

    /// <summary>Starts <paramref name="servers"/> servers; more than one are joined by routes into one cluster.</summary>
    public static async Task<NatsServer> StartAsync(CancellationToken cancellationToken, int servers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(servers, 1);
        var executable = NatsServerBinary.Find() ?? throw new InvalidOperationException(NatsServerBinary.MissingMessage);
        var directory = Directory.CreateTempSubdirectory("bacalhau-nats-").FullName;
        var started = new List<NatsServerProcess>();
        try
        {
            var token = Guid.NewGuid().ToString("N");
            var routePorts = Enumerable.Range(0, servers).Select(_ => FreePort.Next()).ToArray();
            var routes = routePorts.Select(port => NatsServerCluster.RouteUrl("127.0.0.1", port)).ToArray();
            for (var i = 0; i < servers; i++)
            {
                var cluster = servers == 1 ? null : new NatsServerCluster($"nats-{i}", "bacalhau-bench", "127.0.0.1", routePorts[i], Advertise: null, routes);
                var store = Path.Combine(directory, servers == 1 ? "store" : $"s{i}/store");
                var config = NatsServerConfig.Write(Path.Combine(directory, "auth"), token, "127.0.0.1", FreePort.Next(), store, cluster: cluster);
                started.Add(await NatsServerProcess.StartAsync(executable, config, cancellationToken: cancellationToken));
            }

            return new NatsServer([.. started], directory, token);
        }
        catch
        {
            foreach (var server in started)
            {
                await server.DisposeAsync();
            }

            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>kill -9 of server <paramref name="index"/>, as when the machine of its orchestrator goes down.</summary>
    public async Task KillAsync(int index)
    {
        if (Interlocked.Exchange(ref _servers[index], null) is { } server)
        {
            using (var process = System.Diagnostics.Process.GetProcessById(server.Pid))
            {
                process.Kill();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await server.WaitForExitAsync(timeout.Token);
            await server.DisposeAsync();
        }
    }

    /// <summary>Starts server <paramref name="index"/> again on its store, after a kill.</summary>
    public async Task RestartAsync(int index, CancellationToken cancellationToken)
    {
        var executable = NatsServerBinary.Find() ?? throw new InvalidOperationException(NatsServerBinary.MissingMessage);
        _servers[index] ??= await NatsServerProcess.StartAsync(executable, _configs[index], cancellationToken: cancellationToken);
    }

    /// <summary>A client connection of the benchmark itself, opened.</summary>
    public async Task<NatsConnection> ConnectAsync(string name)
    {
        var connection = new NatsConnection(new NatsOpts
        {
            Url = Url,
            Name = name,
            AuthOpts = _signer.ServiceUser(name),
            // Large bursts (10,000 simulated nodes, publish throughput) must not be refused by a full client buffer.
            SubPendingChannelCapacity = 65536,
        });
        await connection.ConnectAsync();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers.OfType<NatsServerProcess>())
        {
            await server.DisposeAsync();
        }

        _signer.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

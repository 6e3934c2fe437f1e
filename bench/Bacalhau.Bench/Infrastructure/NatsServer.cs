using Bacalhau.NatsHosting;
using Bacalhau.NatsHosting.Server;
using NATS.Client.Core;

namespace Bacalhau.Bench.Infrastructure;

/// <summary>
/// A private <c>nats-server</c> on a free loopback port in operator mode with JetStream, as the cluster runs it
/// (compute nodes enroll with the token; the orchestrator and the benchmark's own clients are users signed by the
/// account key), started through the project's one launcher; stopped by PID and its store and keys removed when disposed.
/// </summary>
internal sealed class NatsServer : IAsyncDisposable
{
    private readonly NatsServerProcess _process;
    private readonly string _directory;
    private readonly NatsAccountSigner _signer;

    private NatsServer(NatsServerProcess process, string directory, string token)
    {
        _process = process;
        _directory = directory;
        Token = token;
        _signer = NatsAccountSigner.Load(process.Config.AccountSeedFile);
    }

    public string Url => _process.Config.ClientUrl;

    public string Token { get; }

    /// <summary>The server's PID, for the fault suite's SIGSTOP and SIGCONT.</summary>
    public int Pid => _process.Pid;

    /// <summary>The account key the orchestrator signs users with (<c>Orchestrator:Auth:NatsAccountSeedFile</c>).</summary>
    public string AccountSeedFile => _process.Config.AccountSeedFile;

    public static async Task<NatsServer> StartAsync(CancellationToken cancellationToken)
    {
        var executable = NatsServerBinary.Find() ?? throw new InvalidOperationException(NatsServerBinary.MissingMessage);
        var directory = Directory.CreateTempSubdirectory("bacalhau-nats-").FullName;
        try
        {
            var token = Guid.NewGuid().ToString("N");
            var config = NatsServerConfig.Write(Path.Combine(directory, "auth"), token, "127.0.0.1", FreePort.Next(), Path.Combine(directory, "store"));
            return new NatsServer(await NatsServerProcess.StartAsync(executable, config, cancellationToken: cancellationToken), directory, token);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
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
        await _process.DisposeAsync();
        _signer.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

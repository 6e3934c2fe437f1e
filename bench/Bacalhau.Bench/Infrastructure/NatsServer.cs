using Bacalhau.IntegrationTests.Infrastructure;
using Bacalhau.NatsHosting;
using NATS.Client.Core;

namespace Bacalhau.Bench.Infrastructure;

/// <summary>
/// A private <c>nats-server</c> on a free loopback port in operator mode with JetStream, as the cluster runs it
/// (compute nodes enroll with the token; the orchestrator and the benchmark's own clients are users signed by the
/// account key); stopped by PID and its store and keys removed when disposed.
/// </summary>
internal sealed class NatsServer : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private readonly ChildProcess _process;
    private readonly string _directory;
    private readonly NatsAccountSigner _signer;

    private NatsServer(ChildProcess process, string directory, int port, string token, string accountSeedFile)
    {
        _process = process;
        _directory = directory;
        Url = $"nats://127.0.0.1:{port}";
        Token = token;
        AccountSeedFile = accountSeedFile;
        _signer = NatsAccountSigner.Load(accountSeedFile);
    }

    public string Url { get; }

    public string Token { get; }

    /// <summary>The server's PID, for the fault suite's SIGSTOP and SIGCONT.</summary>
    public int Pid => _process.Id;

    /// <summary>The account key the orchestrator signs users with (<c>Orchestrator:Auth:NatsAccountSeedFile</c>).</summary>
    public string AccountSeedFile { get; }

    public static async Task<NatsServer> StartAsync(CancellationToken cancellationToken)
    {
        var executable = NatsServerBinary.Find() ?? throw new InvalidOperationException(NatsServerBinary.MissingMessage);
        var directory = Directory.CreateTempSubdirectory("bacalhau-bench-nats-").FullName;
        var port = FreePort.Next();
        var token = Guid.NewGuid().ToString("N");
        using var keys = NatsClusterKeys.LoadOrCreate(Path.Combine(directory, "auth"));
        var config = keys.WriteServerConfig(token, "127.0.0.1", port, Path.Combine(directory, "store"));
        var process = ChildProcess.Start(executable, ["-c", config]);
        var server = new NatsServer(process, directory, port, token, keys.AccountSeedPath);
        try
        {
            await server.WaitUntilReadyAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
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

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReadyTimeout);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"nats-server exited at start:\n{_process.Output}");
            }

            try
            {
                await using var probe = await ConnectAsync("bench-probe");
                await probe.PingAsync(timeout.Token);
                return;
            }
            catch (NatsException)
            {
                // Not listening yet.
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"nats-server did not accept clients within {ReadyTimeout.TotalSeconds:F0} s:\n{_process.Output}");
            }
        }
    }
}

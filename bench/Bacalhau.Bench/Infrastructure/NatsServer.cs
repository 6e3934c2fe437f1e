using Bacalhau.Core.Nodes;
using Bacalhau.IntegrationTests.Infrastructure;
using NATS.Client.Core;

namespace Bacalhau.Bench.Infrastructure;

/// <summary>
/// A private <c>nats-server</c> on a free loopback port with an auth token and JetStream, as the cluster runs it;
/// stopped by PID and its store removed when disposed.
/// </summary>
internal sealed class NatsServer : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private readonly ChildProcess _process;
    private readonly string _storeDirectory;

    private NatsServer(ChildProcess process, string storeDirectory, int port, string token)
    {
        _process = process;
        _storeDirectory = storeDirectory;
        Url = $"nats://127.0.0.1:{port}";
        Token = token;
    }

    public string Url { get; }

    public string Token { get; }

    /// <summary>The server's PID, for the fault suite's SIGSTOP and SIGCONT.</summary>
    public int Pid => _process.Id;

    public static async Task<NatsServer> StartAsync(CancellationToken cancellationToken)
    {
        var executable = NatsServerBinary.Find() ?? throw new InvalidOperationException(NatsServerBinary.MissingMessage);
        var store = Directory.CreateTempSubdirectory("bacalhau-bench-nats-").FullName;
        var port = FreePort.Next();
        var token = Guid.NewGuid().ToString("N");
        var process = ChildProcess.Start(executable, ["--addr", "127.0.0.1", "--port", $"{port}", "--jetstream", "--store_dir", store, "--auth", token]);
        var server = new NatsServer(process, store, port, token);
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
            AuthOpts = NatsAuthOpts.Default with { Token = Token },
            // Large bursts (10,000 simulated nodes, publish throughput) must not be refused by a full client buffer.
            SubPendingChannelCapacity = 65536,
        });
        await connection.ConnectAsync();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Directory.Delete(_storeDirectory, recursive: true);
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

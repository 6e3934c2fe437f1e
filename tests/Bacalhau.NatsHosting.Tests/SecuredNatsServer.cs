using System.Net;
using System.Net.Sockets;
using Bacalhau.NatsHosting.Server;
using NATS.Client.Core;

namespace Bacalhau.NatsHosting.Tests;

/// <summary>A real nats-server in operator mode on a free loopback port, with keys and store in a temporary directory, started by the launcher; stopped by PID.</summary>
internal sealed class SecuredNatsServer : IAsyncDisposable
{
    private readonly NatsServerProcess _process;

    private SecuredNatsServer(string directory, NatsClusterKeys keys, string token, NatsServerProcess process)
    {
        Directory = directory;
        Keys = keys;
        Token = token;
        _process = process;
    }

    public string Directory { get; }

    public NatsClusterKeys Keys { get; }

    public string Token { get; }

    public string Url => _process.Config.ClientUrl;

    public static async Task<SecuredNatsServer> StartAsync()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("bacalhau-nats-auth-").FullName;
        var keysDirectory = Path.Combine(directory, "keys");
        var token = Guid.NewGuid().ToString("N");
        var config = NatsServerConfig.Write(keysDirectory, token, "127.0.0.1", FreePort(), Path.Combine(directory, "store"));
        NatsServerProcess process;
        try
        {
            process = await NatsServerProcess.StartAsync(NatsServerBinary.Find() ?? throw new InvalidOperationException(NatsServerBinary.MissingMessage), config);
        }
        catch
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }

        return new SecuredNatsServer(directory, NatsClusterKeys.LoadOrCreate(keysDirectory), token, process);
    }

    /// <summary>A connection with <paramref name="auth"/> that does not retry: a refusal surfaces at once.</summary>
    public NatsConnection Connect(NatsAuthOpts auth, string? inboxPrefix = null) => new(NatsOpts.Default with
    {
        Url = Url,
        AuthOpts = auth,
        InboxPrefix = inboxPrefix ?? NatsOpts.Default.InboxPrefix,
        MaxReconnectRetry = 0,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    });

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Keys.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NATS.Client.Core;

namespace Bacalhau.NatsHosting.Tests;

/// <summary>A real nats-server in operator mode on a free loopback port, with keys and store in a temporary directory; stopped by PID.</summary>
internal sealed class SecuredNatsServer : IAsyncDisposable
{
    private readonly Process _process;

    private SecuredNatsServer(string directory, NatsClusterKeys keys, string token, int port, Process process)
    {
        Directory = directory;
        Keys = keys;
        Token = token;
        Url = $"nats://127.0.0.1:{port}";
        _process = process;
    }

    public string Directory { get; }

    public NatsClusterKeys Keys { get; }

    public string Token { get; }

    public string Url { get; }

    public static async Task<SecuredNatsServer> StartAsync()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("bacalhau-nats-auth-").FullName;
        var keys = NatsClusterKeys.LoadOrCreate(Path.Combine(directory, "keys"));
        var token = Guid.NewGuid().ToString("N");
        var port = FreePort();
        var config = keys.WriteServerConfig(token, "127.0.0.1", port, Path.Combine(directory, "store"));
        var startInfo = new ProcessStartInfo(NatsServerBinary.Find() ?? throw new InvalidOperationException(NatsServerBinary.MissingMessage))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(config);
        var process = Process.Start(startInfo)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new SecuredNatsServer(directory, keys, token, port, process);
        try
        {
            await server.WaitUntilReadyAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
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
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Keys.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private async Task WaitUntilReadyAsync()
    {
        using var signer = Keys.Signer();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await using var probe = Connect(signer.ServiceUser("probe"));
                await probe.ConnectAsync();
                return;
            }
            catch (NatsException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

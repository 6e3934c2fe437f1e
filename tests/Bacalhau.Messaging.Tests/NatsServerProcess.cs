using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NATS.Client.Core;

namespace Bacalhau.Messaging.Tests;

/// <summary>A real nats-server on a free loopback port for one test, stopped by its PID when the test ends.</summary>
internal sealed class NatsServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string? _storeDirectory;

    private NatsServerProcess(Process process, int port, string? storeDirectory)
    {
        _process = process;
        _storeDirectory = storeDirectory;
        Url = $"nats://127.0.0.1:{port}";
    }

    public string Url { get; }

    /// <summary>Starts the server; with <paramref name="jetStream"/>, with JetStream on a store of its own, removed when it stops.</summary>
    public static async Task<NatsServerProcess> StartAsync(bool jetStream = false)
    {
        var port = FreePort();
        var store = jetStream ? Directory.CreateTempSubdirectory("nats-js-").FullName : null;
        string[] arguments = ["-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. store is null ? (string[])[] : ["-js", "-sd", store]];
        var process = Process.Start(new ProcessStartInfo("nats-server", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("nats-server did not start");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new NatsServerProcess(process, port, store);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            await using var probe = server.Connect();
            try
            {
                await probe.ConnectAsync();
                return server;
            }
            catch (NatsException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                // Not listening yet.
                await Task.Delay(100);
            }
        }
    }

    public NatsConnection Connect() => new(NatsOpts.Default with { Url = Url, Name = "test" });

    public async ValueTask DisposeAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        if (_storeDirectory is not null)
        {
            Directory.Delete(_storeDirectory, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

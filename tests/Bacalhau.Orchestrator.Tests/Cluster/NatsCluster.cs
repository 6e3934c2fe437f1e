using System.Diagnostics;
using System.Globalization;
using NATS.Client.Core;
using Bacalhau.NatsHosting.Tests.Server;
using NATS.Client.JetStream;

namespace Bacalhau.Orchestrator.Tests.Cluster;

/// <summary>
/// N real nats-servers with JetStream on free loopback ports, routed into one cluster when there are several, each
/// with its own store directory; every one stopped by its PID when the test ends.
/// </summary>
internal sealed class NatsCluster : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private readonly List<Process> _processes = [];
    private readonly string _dir = Directory.CreateTempSubdirectory("bacalhau-nats-cluster-").FullName;

    private NatsCluster()
    {
    }

    /// <summary>Client URLs, one per server.</summary>
    public List<string> Urls { get; } = [];

    public static async Task<NatsCluster> StartAsync(int servers)
    {
        // A port found free can be taken by another test before its server binds it: that server exits, and the
        // cluster starts again on other ports.
        for (var attempt = 1; ; attempt++)
        {
            var cluster = new NatsCluster();
            try
            {
                var ports = FreeLoopbackPorts.Take(2 * servers);
                for (var i = 0; i < servers; i++)
                {
                    cluster.Start(i, ports[..servers], ports[servers..]);
                }

                await cluster.WaitForJetStreamAsync();
                return cluster;
            }
            catch (Exception) when (attempt < 3 && cluster._processes.Any(p => p.HasExited))
            {
                await cluster.DisposeAsync();
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }
        }
    }

    public NatsConnection Connect(int server = 0) => new(NatsOpts.Default with { Url = Urls[server], Name = "test" });

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            await process.WaitForExitAsync();
            process.Dispose();
        }

        Directory.Delete(_dir, recursive: true);
    }

    private void Start(int index, int[] clientPorts, int[] routePorts)
    {
        var port = clientPorts[index].ToString(CultureInfo.InvariantCulture);
        List<string> arguments = ["-a", "127.0.0.1", "-p", port, "-js", "-sd", Path.Combine(_dir, $"s{index}"), "--server_name", $"s{index}"];
        if (clientPorts.Length > 1)
        {
            var routes = string.Join(',', routePorts.Where((_, i) => i != index).Select(p => $"nats://127.0.0.1:{p}"));
            arguments.AddRange(["--cluster_name", "test", "--cluster", $"nats://127.0.0.1:{routePorts[index]}", "--routes", routes]);
        }

        var process = Process.Start(new ProcessStartInfo("nats-server", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("nats-server did not start");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        Urls.Add($"nats://127.0.0.1:{port}");
    }

    /// <summary>Waits until every server serves JetStream: in a cluster, once its meta group has a leader.</summary>
    private async Task WaitForJetStreamAsync()
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        for (var i = 0; i < Urls.Count; i++)
        {
            while (true)
            {
                await using var connection = Connect(i);
                try
                {
                    await connection.ConnectAsync();
                    await new NatsJSContext(connection).GetAccountInfoAsync();
                    break;
                }
                catch (Exception) when (DateTime.UtcNow < deadline && !_processes[i].HasExited)
                {
                    // Not listening, or no JetStream meta leader yet: polled, as nats-server announces neither.
                    await Task.Delay(200);
                }
            }
        }
    }
}

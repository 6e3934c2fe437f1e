using System.Diagnostics;
using Bacalhau.NatsHosting.Server;
using NATS.Client.Core;

namespace Bacalhau.NatsHosting.Tests.Server;

/// <summary>
/// Real nats-servers in operator mode joined by routes into one JetStream cluster, on free loopback ports, through the
/// launcher and the config writer the product uses: one keys directory for all (as servers of one cluster share
/// their keys), a store and a config file each. Every server is stopped by its PID when the cluster is disposed.
/// Linked into the test projects that need a cluster.
/// </summary>
internal sealed class NatsTestCluster : IAsyncDisposable
{
    private readonly NatsServerProcess[] _servers;

    private NatsTestCluster(string directory, string keysDirectory, NatsServerProcess[] servers)
    {
        Directory = directory;
        KeysDirectory = keysDirectory;
        _servers = servers;
    }

    public string Directory { get; }

    public string KeysDirectory { get; }

    public int Size => _servers.Length;

    public NatsServerProcess this[int index] => _servers[index];

    /// <summary>Starts <paramref name="size"/> servers, each listing every server's route, and returns once each serves clients.</summary>
    public static async Task<NatsTestCluster> StartAsync(int size, string name = "test-cluster")
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("bacalhau-nats-cluster-").FullName;
        var keysDirectory = Path.Combine(directory, "keys");
        var token = Guid.NewGuid().ToString("N");
        var executable = NatsServerBinary.Find() ?? throw new InvalidOperationException(NatsServerBinary.MissingMessage);
        var ports = FreeLoopbackPorts.Take(2 * size);
        var (clientPorts, routePorts) = (ports[..size], ports[size..]);
        var routes = routePorts.Select(port => NatsServerCluster.RouteUrl("127.0.0.1", port)).ToArray();
        var servers = new List<NatsServerProcess>();
        try
        {
            for (var i = 0; i < size; i++)
            {
                var config = NatsServerConfig.Write(
                    keysDirectory,
                    token,
                    "127.0.0.1",
                    clientPorts[i],
                    Path.Combine(directory, $"s{i}", "store"),
                    cluster: new NatsServerCluster($"s{i}", name, "127.0.0.1", routePorts[i], Advertise: null, routes));
                servers.Add(await NatsServerProcess.StartAsync(executable, config));
            }
        }
        catch
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }

        return new NatsTestCluster(directory, keysDirectory, [.. servers]);
    }

    /// <summary>Every server's client URL, comma-separated, as a node given the whole cluster has it.</summary>
    public string ClientUrls => string.Join(',', _servers.Select(s => s.Config.ClientUrl));

    /// <summary>Credentials of a service user of the cluster's account (the keys are the same on every server).</summary>
    public NatsAuthOpts ServiceUser(string name)
    {
        using var signer = NatsAccountSigner.Load(_servers[0].Config.AccountSeedFile);
        return signer.ServiceUser(name);
    }

    /// <summary>Kills server <paramref name="index"/> with SIGKILL, as a crash would, and waits until it is gone.</summary>
    public async Task KillAsync(int index)
    {
        using var process = Process.GetProcessById(_servers[index].Pid);
        process.Kill();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _servers[index].WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }
}

using System.Net;
using System.Net.Sockets;

namespace Bacalhau.NatsHosting.Tests.Server;

/// <summary>Free loopback ports for the servers a test starts. Linked into the test projects that start nats-servers.</summary>
internal static class FreeLoopbackPorts
{
    /// <summary>Distinct free loopback ports: the listeners are held until all are picked, so none is picked twice.</summary>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}

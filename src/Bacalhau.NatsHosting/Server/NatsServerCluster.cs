using System.Globalization;

namespace Bacalhau.NatsHosting.Server;

/// <summary>
/// How one server joins its NATS cluster by routes: its own name in the cluster (unique, the node ID), the cluster's
/// name, the route listener, the address other servers reach it at, and the route URLs of the others. Servers of one
/// cluster share the cluster keys (<see cref="NatsClusterKeys"/>), from which the routes' credentials are derived, so
/// only they can join; they form one JetStream meta group.
/// </summary>
public sealed record NatsServerCluster(string ServerName, string Name, string Host, int Port, string? Advertise, IReadOnlyList<string> Routes)
{
    public const int DefaultPort = 6222;

    /// <summary>The route URL of a server listening for routes at <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static string RouteUrl(string host, int port) => $"nats://{host}:{port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The listener as nats-server takes it.</summary>
    internal string Listen => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Host and port of every route: a URL (<c>nats://host:port</c>, <c>nats-route://</c>) or a bare <c>host:port</c>.</summary>
    internal IEnumerable<string> RouteAddresses() => Routes.Select(route =>
    {
        var text = route.Contains("://", StringComparison.Ordinal) ? route : "nats://" + route;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host) || uri.Port <= 0)
        {
            throw new FormatException($"'{route}' is not a route address: expected nats://host:port");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            // The routes' credentials come from the cluster keys; one written into a peer address would end up in logs.
            throw new FormatException($"the route address of {uri.Host}:{uri.Port} carries credentials: give nats://host:port, the cluster keys authorize routes");
        }

        return $"{uri.Host}:{uri.Port.ToString(CultureInfo.InvariantCulture)}";
    });
}

using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Bacalhau.Compute.Publishers.Local;

/// <summary>
/// The URLs clients fetch results at. The port defaults to the one this node's HTTP server really listens on,
/// known only once it has started: a replica behind a proxy (Aspire) hands out its own port, not the shared one.
/// </summary>
internal sealed class LocalResultUrls(IOptions<LocalPublisherOptions> options, IServer server)
{
    public const string PathPrefix = "/results/";

    public string For(string name)
    {
        var address = options.Value.Address;
        var host = address.Contains(':', StringComparison.Ordinal) ? $"[{address.Trim('[', ']')}]" : address;
        return $"http://{host}:{Port()}{PathPrefix}{name}";
    }

    private int Port()
    {
        if (options.Value.Port > 0)
        {
            return options.Value.Port;
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var bound = addresses.Select(BindingAddress.Parse).ToList();
        return (bound.FirstOrDefault(a => a.Scheme == Uri.UriSchemeHttp && a.Port > 0) ?? bound.FirstOrDefault(a => a.Port > 0))?.Port
            ?? throw new InvalidOperationException("the local publisher needs this node's HTTP port, and the node listens on none (set Compute.Publishers.Local.Port)");
    }
}

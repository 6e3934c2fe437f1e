using Bacalhau.Compute.Publishers.Local;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Bacalhau.Compute.Tests.Publishers.Local;

public sealed class LocalResultUrlsTests
{
    [Fact]
    public void The_port_is_the_one_the_node_really_listens_on()
    {
        var urls = new LocalResultUrls(Options.Create(new LocalPublisherOptions()), new ListeningServer("http://localhost:43210"));

        Assert.Equal("http://127.0.0.1:43210/results/x.tar.gz", urls.For("x.tar.gz"));
    }

    [Fact]
    public void A_configured_address_and_port_win()
    {
        var options = Options.Create(new LocalPublisherOptions { Address = "::1", Port = 6001 });
        var urls = new LocalResultUrls(options, new ListeningServer("http://[::]:43210"));

        Assert.Equal("http://[::1]:6001/results/x.tar.gz", urls.For("x.tar.gz"));
    }

    [Fact]
    public void A_node_that_listens_nowhere_cannot_publish_locally()
    {
        var urls = new LocalResultUrls(Options.Create(new LocalPublisherOptions()), new ListeningServer());

        Assert.Contains("Compute.Publishers.Local.Port", Assert.Throws<InvalidOperationException>(() => urls.For("x.tar.gz")).Message, StringComparison.Ordinal);
    }

    private sealed class ListeningServer : IServer
    {
        public ListeningServer(params string[] addresses)
        {
            var feature = new ServerAddressesFeature();
            foreach (var address in addresses)
            {
                feature.Addresses.Add(address);
            }

            Features.Set<IServerAddressesFeature>(feature);
        }

        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}

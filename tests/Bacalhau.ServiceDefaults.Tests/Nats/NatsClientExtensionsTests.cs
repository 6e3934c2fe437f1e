using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace Bacalhau.ServiceDefaults.Tests.Nats;

public sealed class NatsClientExtensionsTests
{
    [Fact]
    public void A_second_registration_in_one_host_reuses_the_first()
    {
        var builder = Host.CreateApplicationBuilder();

        var first = builder.AddNatsClient("nats", settings => settings.Url = "nats://127.0.0.1:4222");
        var second = builder.AddNatsClient("nats", settings => settings.Url = "nats://elsewhere:4222");

        Assert.Same(first, second);
        Assert.Equal("nats://127.0.0.1:4222", second.Url);
        Assert.Single(builder.Services, d => d.ServiceType == typeof(NatsConnection));
        using var services = builder.Services.BuildServiceProvider();
        var checks = services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;
        Assert.Single(checks, r => r.Name == "nats");
    }
}

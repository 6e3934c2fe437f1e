using Bacalhau.Orchestrator.Api;
using Microsoft.Extensions.Configuration;

namespace Bacalhau.Orchestrator.Tests.Api;

public sealed class AgentConfigTests
{
    [Fact]
    public void No_token_key_or_password_is_shown_in_any_form()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orchestrator:Auth:Token"] = "orch-secret-1",
            ["Compute:Auth:Token"] = "compute-secret-2",
            ["Compute:Orchestrators"] = "secret-3@10.0.0.5:4222,nats://secret-4@host:4222,nats://user:secret-5@host2:4222,/ip4/10.0.0.6/tcp/4222,plain:4222",
            ["API:Auth:Users:0:Username"] = "reader",
            ["API:Auth:Users:0:Password"] = "pbkdf2-sha256$600000$secret-7",
            ["API:Auth:Users:0:APIKey"] = "secret-8",
            ["API:Auth:APIKey"] = "secret-9",
            ["API:TLS:KeyFile"] = "/etc/secret-10.pem",
            ["API:Port"] = "1234",
        }).Build();

        var text = AgentConfig.Describe(configuration).ToJsonString();

        Assert.DoesNotMatch("secret-[0-9]", text);
        Assert.Contains("reader", text, StringComparison.Ordinal);
        Assert.Contains("10.0.0.5:4222", text, StringComparison.Ordinal);
        Assert.Contains("/ip4/10.0.0.6/tcp/4222", text, StringComparison.Ordinal);
        Assert.Contains("plain:4222", text, StringComparison.Ordinal);
        Assert.Contains("1234", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tok@host:4222", "<redacted>@host:4222")]
    [InlineData("nats://tok@host:4222", "nats://<redacted>@host:4222")]
    [InlineData("nats://u:p@a:1, b:2 ,t@c:3", "nats://<redacted>@a:1, b:2 ,<redacted>@c:3")]
    [InlineData("host:4222", "host:4222")]
    [InlineData("/dns4/orchestrator.local/tcp/4222/p2p/QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N", "/dns4/orchestrator.local/tcp/4222/p2p/QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N")]
    public void Credentials_in_addresses_are_replaced(string value, string expected) =>
        Assert.Equal(expected, AgentConfig.RedactAddresses(value));
}

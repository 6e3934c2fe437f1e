using Bacalhau.ServiceDefaults.Nats;

namespace Bacalhau.ServiceDefaults.Tests.Nats;

public sealed class NatsServerAddressesTests
{
    [Theory]
    [InlineData("nats://127.0.0.1:4222", "nats://127.0.0.1:4222", null)]
    [InlineData("127.0.0.1:4333", "nats://127.0.0.1:4333", null)]
    [InlineData("orchestrator", "nats://orchestrator:4222", null)]
    [InlineData("secret@127.0.0.1:4222", "nats://127.0.0.1:4222", "secret")]
    [InlineData("nats://secret@a:1,b:2", "nats://a:1,nats://b:2", "secret")]
    public void Accepts_the_forms_bacalhau_users_write(string address, string url, string? token)
    {
        var parsed = NatsServerAddresses.Parse([address]);

        Assert.Equal(url, parsed.Url);
        Assert.Equal(token, parsed.Token);
    }

    [Theory]
    [InlineData("nats://")]
    [InlineData(" , ")]
    public void Rejects_what_is_not_an_address(string address) =>
        Assert.Throws<FormatException>(() => NatsServerAddresses.Parse([address]));
}

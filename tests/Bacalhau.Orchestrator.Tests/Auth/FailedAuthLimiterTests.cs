using System.Net;
using Bacalhau.Orchestrator.Auth;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bacalhau.Orchestrator.Tests.Auth;

public sealed class FailedAuthLimiterTests
{
    private static readonly IPAddress Guesser = IPAddress.Parse("10.0.0.7");
    private static readonly IPAddress Colleague = IPAddress.Parse("10.0.0.8");
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void An_address_over_the_limit_waits_out_its_minute_and_no_other_address_does()
    {
        var limiter = Limiter(perMinute: 3);
        Assert.False(limiter.Failed(Guesser));
        Assert.False(limiter.Failed(Guesser));
        Assert.Null(limiter.RetryAfter(Guesser));
        Assert.True(limiter.Failed(Guesser));

        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(TimeSpan.FromSeconds(40), limiter.RetryAfter(Guesser));
        Assert.Null(limiter.RetryAfter(Colleague));
        Assert.Null(limiter.RetryAfter(IPAddress.Loopback));

        _time.Advance(TimeSpan.FromSeconds(40));
        Assert.Null(limiter.RetryAfter(Guesser));
        Assert.False(limiter.Failed(Guesser));
    }

    [Fact]
    public void An_ipv6_host_is_counted_by_its_64_and_a_mapped_ipv4_address_as_itself()
    {
        var limiter = Limiter(perMinute: 2);
        limiter.Failed(IPAddress.Parse("2001:db8:1:2::1"));
        limiter.Failed(IPAddress.Parse("2001:db8:1:2:ffff::9"));
        limiter.Failed(IPAddress.Parse("::ffff:10.0.0.7"));
        limiter.Failed(Guesser);

        Assert.NotNull(limiter.RetryAfter(IPAddress.Parse("2001:db8:1:2::42")));
        Assert.Null(limiter.RetryAfter(IPAddress.Parse("2001:db8:1:3::1")));
        Assert.NotNull(limiter.RetryAfter(IPAddress.Parse("::ffff:10.0.0.7")));
    }

    [Fact]
    public void Zero_turns_the_limit_off()
    {
        var limiter = Limiter(perMinute: 0);
        for (var i = 0; i < 100; i++)
        {
            limiter.Failed(Guesser);
        }

        Assert.Null(limiter.RetryAfter(Guesser));
    }

    [Fact]
    public void A_crowd_of_addresses_fills_a_bounded_table_and_then_shares_one_count()
    {
        var limiter = Limiter(perMinute: 2);
        limiter.Failed(Guesser);
        limiter.Failed(Guesser);
        for (var i = 1; i < FailedAuthLimiter.MaxTrackedAddresses; i++)
        {
            limiter.Failed(new IPAddress(0x0B000000u + (uint)i));
        }

        // The table is full: the next addresses share a count, the ones already counted keep theirs.
        var late = IPAddress.Parse("172.16.0.1");
        limiter.Failed(IPAddress.Parse("172.16.0.2"));
        limiter.Failed(IPAddress.Parse("172.16.0.3"));
        Assert.NotNull(limiter.RetryAfter(late));
        Assert.NotNull(limiter.RetryAfter(Guesser));
        Assert.Null(limiter.RetryAfter(new IPAddress(0x0B000001u)));

        // Once their minute is over, the old entries make room again.
        _time.Advance(FailedAuthLimiter.Window);
        limiter.Failed(late);
        Assert.Null(limiter.RetryAfter(late));
        Assert.Null(limiter.RetryAfter(Colleague));
    }

    private FailedAuthLimiter Limiter(int perMinute) =>
        new(Options.Create(new ApiAuthOptions { FailedAttemptsPerMinute = perMinute }), _time);
}

using Bacalhau.ServiceDefaults.Memory;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bacalhau.ServiceDefaults.Tests.Memory;

public sealed class IdleMemoryTrimmerTests : IDisposable
{
    private readonly IdleMemoryTrimmer _trimmer = new(TimeProvider.System, NullLogger<IdleMemoryTrimmer>.Instance);
    private long _allocated = 100L << 20;
    private TimeSpan _now;

    [Fact]
    public void A_node_that_was_never_busy_is_never_collected()
    {
        for (var tick = 0; tick < 20; tick++)
        {
            Assert.False(Tick(IdleMemoryTrimmer.Quiet / 2));
        }
    }

    [Fact]
    public void After_a_burst_the_first_quiet_period_collects_and_one_more_follows_once_pooled_buffers_are_stale()
    {
        Tick(0);
        Assert.False(Tick(IdleMemoryTrimmer.Busy * 4));
        Assert.False(Tick(IdleMemoryTrimmer.Busy));

        Assert.True(Tick(1 << 20));
        var collections = new List<TimeSpan>();
        for (var tick = 0; tick < 20; tick++)
        {
            if (Tick(1 << 20))
            {
                collections.Add(_now);
            }
        }

        var second = Assert.Single(collections);
        Assert.True(second >= IdleMemoryTrimmer.PoolStaleAfter, $"the second collection came {second} after the burst");
    }

    [Fact]
    public void A_node_that_stays_busy_is_not_interrupted_and_is_collected_once_it_quiets_down()
    {
        Tick(0);
        for (var tick = 0; tick < 10; tick++)
        {
            Assert.False(Tick(IdleMemoryTrimmer.Busy));
        }

        // Moderate work after the burst is neither busy nor quiet: it waits.
        Assert.False(Tick(IdleMemoryTrimmer.Quiet * 2));
        Assert.True(Tick(0));
    }

    [Fact]
    public void A_new_burst_starts_the_schedule_again()
    {
        Tick(0);
        Tick(IdleMemoryTrimmer.Busy);
        Assert.True(Tick(0));
        Tick(IdleMemoryTrimmer.Busy);
        Assert.True(Tick(0));
    }

    public void Dispose() => _trimmer.Dispose();

    private bool Tick(long allocatedSinceLast)
    {
        _allocated += allocatedSinceLast;
        _now += IdleMemoryTrimmer.Period;
        return _trimmer.ShouldCollect(_allocated, _now);
    }
}

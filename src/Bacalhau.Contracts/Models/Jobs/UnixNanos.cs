namespace Bacalhau.Contracts.Models.Jobs;

/// <summary>Bacalhau stores job and execution times as Unix nanoseconds.</summary>
public static class UnixNanos
{
    public static long From(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    public static DateTimeOffset ToDateTimeOffset(long nanos) => DateTimeOffset.UnixEpoch.AddTicks(nanos / 100);
}

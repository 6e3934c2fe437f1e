using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Bacalhau.Orchestrator.Api;

/// <summary>
/// Job submissions per client address, with ASP.NET Core's rate limiter: a token bucket of
/// <c>API:RateLimit:SubmitsPerSecond</c> per address; a client over it gets 429 with Retry-After.
/// </summary>
internal static class SubmissionRateLimit
{
    public const string PolicyName = "submissions";

    public static IServiceCollection AddSubmissionRateLimit(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(PolicyName, Partition);
            limiter.OnRejected = RejectAsync;
        });

    private static RateLimitPartition<IPAddress> Partition(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<ApiLimitsOptions>>().Value.RateLimit;
        var address = context.Connection.RemoteIpAddress ?? IPAddress.None;
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (options.SubmitsPerSecond == 0 || (options.ExemptLoopback && IPAddress.IsLoopback(address)))
        {
            return RateLimitPartition.GetNoLimiter(address);
        }

        return RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.SubmitsPerSecond,
            TokensPerPeriod = options.SubmitsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var response = rejected.HttpContext.Response;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var limit = rejected.HttpContext.RequestServices.GetRequiredService<IOptions<ApiLimitsOptions>>().Value.RateLimit.SubmitsPerSecond;
        await ApiErrors.Error($"too many job submissions from this address (at most {limit} per second); retry after {seconds} s", StatusCodes.Status429TooManyRequests).ExecuteAsync(rejected.HttpContext);
    }
}

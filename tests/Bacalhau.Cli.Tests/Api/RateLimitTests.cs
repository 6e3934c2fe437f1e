using System.Net;
using System.Text;
using Bacalhau.Cli.Tests.Infrastructure;

namespace Bacalhau.Cli.Tests.Api;

/// <summary>An orchestrator that limits loopback clients too, to two submissions a second.</summary>
public sealed class ThrottledOrchestrator : ServedOrchestrator
{
    protected override string[] Arguments => ["--API.RateLimit.ExemptLoopback=false", "--API.RateLimit.SubmitsPerSecond=2"];
}

public sealed class RateLimitTests(ThrottledOrchestrator orchestrator) : IClassFixture<ThrottledOrchestrator>
{
    [Fact]
    public async Task A_client_over_its_rate_gets_429_with_retry_after_and_reads_are_not_limited()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => orchestrator.Http.PutAsync(
            "api/v1/orchestrator/jobs",
            new StringContent("""{"Job":{"Tasks":[{"Engine":{"Type":"noop"}}]}}""", Encoding.UTF8, "application/json"))));
        try
        {
            Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
            Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.TooManyRequests);
            var refused = responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
            Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {refused.Headers.RetryAfter}");
            Assert.Equal(
                "too many job submissions from this address (at most 2 per second); retry after 1 s",
                await ApiBoundsTests.MessageAsync(refused));
            Assert.Equal(("TooManyRequests", "APIServer"), await ApiBoundsTests.KindAsync(refused));
            Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));

            var reads = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
            {
                using var read = await orchestrator.Http.GetAsync("api/v1/orchestrator/jobs");
                return read.StatusCode;
            }));
            Assert.All(reads, status => Assert.Equal(HttpStatusCode.OK, status));
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Bacalhau.Cli.Tests.Infrastructure;
using Bacalhau.Orchestrator.Auth;

namespace Bacalhau.Cli.Tests.Api;

/// <summary>An orchestrator with one password user that lets a client address fail to authenticate 3 times a minute.</summary>
public sealed class GuardedOrchestrator : ServedOrchestrator
{
    public const string Password = "pw-of-jobs";

    protected override string[] Arguments =>
    [
        "-c", $$"""API.Auth.Users=[{Username: jobs, Password: "{{PasswordHash.Create(Password)}}", Capabilities: [{Actions: ["read:job"]}]}]""",
        "--API.Auth.FailedAttemptsPerMinute=3",
    ];
}

public sealed class FailedAuthLimitTests(GuardedOrchestrator orchestrator) : IClassFixture<GuardedOrchestrator>
{
    [Fact]
    public async Task A_guessing_address_gets_429_with_retry_after_and_the_user_still_works_from_another_address()
    {
        // The guesser connects from 127.0.0.2: another client address on this host's loopback, which counts like any.
        using var guesser = ClientFrom(IPAddress.Parse("127.0.0.2"));
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await ListJobsAsync(guesser, "not-the-password");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var throttled = await ListJobsAsync(guesser, "still-not-it");
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.True(throttled.Headers.RetryAfter?.Delta is { } wait && wait >= TimeSpan.FromSeconds(1) && wait <= TimeSpan.FromMinutes(1), $"Retry-After: {throttled.Headers.RetryAfter}");
        Assert.StartsWith("too many failed authentication attempts from this address; retry after ", await ApiBoundsTests.MessageAsync(throttled), StringComparison.Ordinal);
        Assert.Equal(("TooManyRequests", "Authorizer"), await ApiBoundsTests.KindAsync(throttled));
        // Over the limit nothing is checked, the right password neither: a guess learns nothing.
        using var right = await ListJobsAsync(guesser, GuardedOrchestrator.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);

        // The same user from 127.0.0.1 is not locked out, and a typo there is an ordinary 401.
        using var user = await ListJobsAsync(orchestrator.Http, GuardedOrchestrator.Password);
        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
        using var typo = await ListJobsAsync(orchestrator.Http, "pw-of-job");
        Assert.Equal(HttpStatusCode.Unauthorized, typo.StatusCode);
    }

    private static Task<HttpResponseMessage> ListJobsAsync(HttpClient client, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/orchestrator/jobs");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"jobs:{password}")));
        return client.SendAsync(request);
    }

    private HttpClient ClientFrom(IPAddress source) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        BaseAddress = orchestrator.Api,
        Timeout = TimeSpan.FromSeconds(60),
    };
}

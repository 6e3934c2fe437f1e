using Bacalhau.Orchestrator.Api;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Bacalhau.Orchestrator.Cluster;

/// <summary>
/// Passes a request a follower may not answer on to the leader's REST API: same method, path, query and body (read
/// within the API's body limit), the headers that matter and the client's address with its proof
/// (<see cref="ForwardedClient"/>). The leader's answer streams back as it comes, so server-sent events and long
/// waits reach the client live. With no leader, or none that answers, the client gets 503 with Retry-After and the
/// reason, never a 500.
/// </summary>
internal sealed partial class LeaderProxy(IHttpClientFactory clients, IClusterLeadership leadership, RequestBodyReader bodies, ForwardedClient forwarded, ILogger<LeaderProxy> logger)
{
    public const string ClientName = "bacalhau-leader";

    private const string RetryAfterSeconds = "2";
    private const int ChunkSize = 16 * 1024;

    // While the leader is down every request a follower takes fails alike: one line per period says so, with a count.
    private const long UnreachableReportPeriodMs = 5_000;

    private static readonly string[] PassedHeaders = [HeaderNames.Authorization, HeaderNames.Accept];

    // Meaningful for one connection only; the server sets its own.
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.Connection, HeaderNames.KeepAlive, HeaderNames.TransferEncoding, HeaderNames.Upgrade,
        HeaderNames.ProxyAuthenticate, HeaderNames.ProxyAuthorization, HeaderNames.TE, HeaderNames.Trailer,
    };

    private long _nextUnreachableReport;
    private int _unreachableUnreported;

    public async Task ForwardAsync(HttpContext context)
    {
        // A follower that thinks the sender leads: the leader changed while the request was on its way. Passing it on
        // again could send it round in a circle.
        if (ForwardedClient.WasForwarded(context))
        {
            await UnavailableAsync(context, "this orchestrator is not the leader either: leadership is changing; retry shortly");
            return;
        }

        if (leadership.Leader is not { } leader)
        {
            await UnavailableAsync(context, "no leader elected yet: this orchestrator is a follower and cannot take the request; retry shortly");
            return;
        }

        // The address comes from the cluster's state, so it is checked like anything a peer says.
        if (!Uri.TryCreate(leader.ApiUrl, UriKind.Absolute, out var api) || api.Scheme is not ("http" or "https") || api.UserInfo.Length > 0)
        {
            LogNoAddress(logger, leader.NodeId);
            await UnavailableAsync(context, $"the leader {leader.NodeId} has no usable API address yet; retry shortly");
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), Target(api, context.Request));
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            try
            {
                request.Content = new ReadOnlyMemoryContent(await bodies.ReadUtf8Async(context.Request, context.RequestAborted));
            }
            catch (Exception ex) when (RequestBodyErrors.Describe(ex) is { } refusal)
            {
                await refusal.ExecuteAsync(context);
                return;
            }

            // Old clients of /api/v1/run send none; the leader reads their body as JSON all the same.
            if (context.Request.ContentType is { } type)
            {
                request.Content.Headers.TryAddWithoutValidation(HeaderNames.ContentType, type);
            }
        }

        foreach (var name in PassedHeaders)
        {
            if (context.Request.Headers[name] is { Count: > 0 } values)
            {
                request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        forwarded.Stamp(request, context);

        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        // A connection refused, or one that did not open within the connect timeout (a cancellation the client did
        // not ask for).
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !context.RequestAborted.IsCancellationRequested))
        {
            var reason = ex is HttpRequestException ? ex.Message : $"no connection within {ClusterExtensions.LeaderConnectTimeout.TotalSeconds:F0} s";
            ReportUnreachable(leader.NodeId, api, reason);
            await UnavailableAsync(context, $"the leader {leader.NodeId} cannot be reached ({reason}); retry shortly");
            return;
        }
        catch (OperationCanceledException)
        {
            // The client went away before the leader answered.
            return;
        }

        using (response)
        {
            await RelayAsync(response, context);
        }
    }

    private static Uri Target(Uri api, HttpRequest request) =>
        new(api.GetLeftPart(UriPartial.Authority) + api.AbsolutePath.TrimEnd('/') + request.PathBase.Add(request.Path).ToUriComponent() + request.QueryString.ToUriComponent());

    /// <summary>The leader's status, headers and body, each chunk sent on as it arrives.</summary>
    private async Task RelayAsync(HttpResponseMessage response, HttpContext context)
    {
        var answer = context.Response;
        answer.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(name))
            {
                answer.Headers[name] = values.ToArray();
            }
        }

        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            var chunk = new byte[ChunkSize];
            while (await body.ReadAsync(chunk, context.RequestAborted) is var read and > 0)
            {
                await answer.Body.WriteAsync(chunk.AsMemory(0, read), context.RequestAborted);
                await answer.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !context.RequestAborted.IsCancellationRequested)
        {
            // The status has gone out: all that is left is to end the answer so that the client sees it broken off.
            LogBrokenOff(logger, context.Request.Method, context.Request.Path, ex.Message);
            context.Abort();
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; the leader's side of the exchange ends with it.
        }
    }

    private static Task UnavailableAsync(HttpContext context, string message)
    {
        context.Response.Headers.RetryAfter = RetryAfterSeconds;
        return ApiErrors.Error(message, StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot pass a request on to the leader {LeaderId}: its API address is not usable")]
    private static partial void LogNoAddress(ILogger logger, string leaderId);

    private void ReportUnreachable(string leaderId, Uri api, string reason)
    {
        var now = Environment.TickCount64;
        var next = Interlocked.Read(ref _nextUnreachableReport);
        if (now < next || Interlocked.CompareExchange(ref _nextUnreachableReport, now + UnreachableReportPeriodMs, next) != next)
        {
            Interlocked.Increment(ref _unreachableUnreported);
            return;
        }

        LogUnreachable(logger, leaderId, api, reason, Interlocked.Exchange(ref _unreachableUnreported, 0));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot reach the leader {LeaderId} at {Address}: {Error} ({Unreported} more requests failed so since the last report)")]
    private static partial void LogUnreachable(ILogger logger, string leaderId, Uri address, string error, int unreported);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The leader's answer to {Method} {Path} broke off: {Error}")]
    private static partial void LogBrokenOff(ILogger logger, string method, PathString path, string error);
}

using System.Net;
using System.Text;
using Bacalhau.Orchestrator.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Bacalhau.Orchestrator.Auth;

/// <summary>
/// Checks every request against the permission its endpoint requires (<see cref="ApiPermissionRequirement"/>; open when
/// marked anonymous; all permissions otherwise), from <c>Authorization: Bearer &lt;API key&gt;</c> or <c>Basic</c>.
/// The client address is the connection's own, unless another orchestrator of the cluster proved whose request it
/// passed on (<see cref="Cluster.ForwardedClient"/>): a client's own forwarded headers are not trusted.
/// </summary>
internal sealed partial class ApiAuthMiddleware(RequestDelegate next, ApiCredentials credentials, FailedAuthLimiter failures, IOptions<ApiAuthOptions> options, ILogger<ApiAuthMiddleware> logger)
{
    private const string Challenge = "Bearer, Basic realm=\"bacalhau\"";
    private const string InvalidCredentialsHint = "check the API key (BACALHAU_API_KEY or API.Auth.APIKey), or the username and password";

    private readonly bool _allowAnonymousLoopback = options.Value.AllowAnonymousLoopback;
    private readonly ApiPermissions _anonymous = options.Value.AnonymousActions
        .Aggregate(ApiPermissions.None, (all, action) => all | (ApiActions.Parse(action) ?? ApiPermissions.None));

    public Task InvokeAsync(HttpContext context)
    {
        var required = Required(context.GetEndpoint());
        var header = context.Request.Headers.Authorization;
        var fromLoopback = IsLoopback(context.Connection.RemoteIpAddress);
        // Local development's anonymous requests, the common case, cost one look at the header and the address.
        if (required == ApiPermissions.None || (header.Count == 0 && fromLoopback && _allowAnonymousLoopback))
        {
            return next(context);
        }

        var address = context.Connection.RemoteIpAddress;
        if (header.Count > 0 && failures.RetryAfter(address) is { } wait)
        {
            // Refused before the credentials are checked: a guess over the limit learns nothing and costs nothing.
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            LogThrottled(logger, context.Request.Method, context.Request.Path, address);
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ApiErrors.Error($"too many failed authentication attempts from this address; retry after {seconds} s", StatusCodes.Status429TooManyRequests, ApiErrors.Authorizer).ExecuteAsync(context);
        }

        var presented = Identify(header.ToString());
        if (presented is { Any: true, Caller: null } && failures.Failed(address))
        {
            LogOverLimit(logger, address, FailedAuthLimiter.Window);
        }

        var decision = ApiAccessPolicy.Decide(required, presented, fromLoopback, _allowAnonymousLoopback, _anonymous);
        if (decision.Kind == ApiDecisionKind.Allow)
        {
            return next(context);
        }

        LogRefused(logger, context.Request.Method, context.Request.Path, context.Connection.RemoteIpAddress, decision.Message);
        var status = decision.Kind == ApiDecisionKind.Unauthorized ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden;
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = Challenge;
        }

        // Credentials that match no user were mistyped or revoked; the other refusals say what is needed already.
        var hint = presented is { Any: true, Caller: null } ? InvalidCredentialsHint : null;
        return ApiErrors.Error(decision.Message!, status, ApiErrors.Authorizer, hint).ExecuteAsync(context);
    }

    /// <summary>
    /// None for no endpoint (a 404) and for routing's own rejections (405, 415), which are not route endpoints and
    /// only answer an error; an endpoint of ours without a requirement needs every permission, so none is open by mistake.
    /// </summary>
    private static ApiPermissions Required(Endpoint? endpoint) =>
        endpoint is not RouteEndpoint || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null ? ApiPermissions.None
        : endpoint.Metadata.GetMetadata<ApiPermissionRequirement>()?.Permission ?? ApiPermissions.All;

    private static bool IsLoopback(IPAddress? address) =>
        address is not null && (IPAddress.IsLoopback(address) || (address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(address.MapToIPv4())));

    private ApiPresented Identify(string header)
    {
        if (header.Length == 0)
        {
            return ApiPresented.Nothing;
        }

        var space = header.IndexOf(' ', StringComparison.Ordinal);
        var (scheme, value) = space > 0 ? (header[..space], header[(space + 1)..].Trim()) : (header, "");
        if (scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) && value.Length > 0)
        {
            return credentials.FindByKey(value) is { } caller ? ApiPresented.Known(caller) : ApiPresented.Invalid;
        }

        if (scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) && DecodeBasic(value) is var (username, password))
        {
            return credentials.FindByPassword(username, password) is { } caller ? ApiPresented.Known(caller) : ApiPresented.Invalid;
        }

        return ApiPresented.Invalid;
    }

    private static (string Username, string Password)? DecodeBasic(string value)
    {
        Span<byte> bytes = stackalloc byte[1024];
        if (value.Length > 1364 || !Convert.TryFromBase64String(value, bytes, out var written))
        {
            return null;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes[..written]);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? (text[..colon], text[(colon + 1)..]) : null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused {Method} {Path} from {Address}: too many failed authentication attempts")]
    private static partial void LogThrottled(ILogger logger, string method, PathString path, IPAddress? address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Too many failed authentication attempts from {Address}: its credentials are not checked for up to {Window}")]
    private static partial void LogOverLimit(ILogger logger, IPAddress? address, TimeSpan window);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused {Method} {Path} from {Address}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, PathString path, IPAddress? address, string? reason);
}

namespace Bacalhau.Orchestrator.Auth;

public enum ApiDecisionKind
{
    Allow,
    Unauthorized,
    Forbidden,
}

internal readonly record struct ApiDecision(ApiDecisionKind Kind, string? Message = null)
{
    public static readonly ApiDecision Allowed = new(ApiDecisionKind.Allow);
}

/// <summary>What the caller presented: nothing, something that matched no user, or a known user.</summary>
internal readonly record struct ApiPresented(bool Any, ApiCaller? Caller)
{
    public static readonly ApiPresented Nothing = new(false, null);

    public static ApiPresented Invalid => new(true, null);

    public static ApiPresented Known(ApiCaller caller) => new(true, caller);
}

/// <summary>
/// Whether a request may proceed: open endpoints always; credentials that match no user never; a user when they hold
/// every permission the endpoint needs; no credentials only for the anonymous actions, or from loopback unless closed.
/// </summary>
internal static class ApiAccessPolicy
{
    public const string MissingCredentials =
        "authentication required: send an API key as 'Authorization: Bearer <key>' (the CLI reads BACALHAU_API_KEY or API.Auth.APIKey)";

    public const string InvalidCredentials = "invalid API key or username and password";

    public static ApiDecision Decide(ApiPermissions required, ApiPresented presented, bool fromLoopback, bool allowAnonymousLoopback, ApiPermissions anonymous)
    {
        if (required == ApiPermissions.None)
        {
            return ApiDecision.Allowed;
        }

        if (presented.Any)
        {
            return presented.Caller switch
            {
                null => new(ApiDecisionKind.Unauthorized, InvalidCredentials),
                var caller when (caller.Permissions & required) == required => ApiDecision.Allowed,
                var caller => new(ApiDecisionKind.Forbidden, $"'{caller.Name}' may not do this: it needs the capability {ApiActions.Name(required)}"),
            };
        }

        return (anonymous & required) == required || (fromLoopback && allowAnonymousLoopback)
            ? ApiDecision.Allowed
            : new(ApiDecisionKind.Unauthorized, MissingCredentials);
    }
}

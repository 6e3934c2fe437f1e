using Bacalhau.Contracts.Api;

namespace Bacalhau.Orchestrator.Api;

/// <summary>Error answers in Bacalhau's shape, so clients can show the message (and the hint) as they are.</summary>
internal static class ApiErrors
{
    /// <summary>The part of the server an error came from, named as Bacalhau names its own.</summary>
    public const string ApiServer = "APIServer";
    public const string Authorizer = "Authorizer";
    public const string JobStore = "JobStore";
    public const string NodesManager = "NodesManager";

    /// <summary>The most of a message an answer carries: enough for every problem a spec can have, never a body's worth.</summary>
    private const int MaxMessageLength = 8 * 1024;

    private const string TooLargeHint = "send less, or raise the orchestrator's API.MaxRequestBodySize";

    public static ApiErrorResult BadRequest(string message, string? hint = null) => Error(message, StatusCodes.Status400BadRequest, hint: hint);

    public static ApiErrorResult NotFound(string message, string component = ApiServer, string? hint = null) => Error(message, StatusCodes.Status404NotFound, component, hint);

    /// <summary>A request Kestrel or routing refused: a body over the limit (413), a parameter that could not be bound (400), ...</summary>
    public static ApiErrorResult Refused(BadHttpRequestException refusal, string prefix = "") =>
        Error(prefix + refusal.Message, refusal.StatusCode, hint: refusal.StatusCode == StatusCodes.Status413PayloadTooLarge ? TooLargeHint : null);

    /// <summary>Declares the error answers an endpoint may give, each an <see cref="ApiError"/>, for the API's description.</summary>
    public static TBuilder ProducesApiErrors<TBuilder>(this TBuilder builder, params int[] codes)
        where TBuilder : IEndpointConventionBuilder
    {
        foreach (var code in codes)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(code, typeof(ApiError), [ApiErrorResult.JsonContentType]));
        }

        return builder;
    }

    public static ApiErrorResult Error(string message, int status, string component = ApiServer, string? hint = null) => new(new ApiError
    {
        Status = status,
        Message = Bounded(message),
        Code = ApiErrorCodes.ForStatus(status),
        Component = component,
        Hint = hint is null ? null : Bounded(hint),
    });

    // Messages quote what a request held; should one quote too much, the rest is left out rather than sent back.
    private static string Bounded(string message) =>
        message.Length <= MaxMessageLength ? message : string.Concat(message.AsSpan(0, MaxMessageLength), "...");
}

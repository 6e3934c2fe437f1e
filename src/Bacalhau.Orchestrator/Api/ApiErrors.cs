using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bacalhau.Orchestrator.Api;

/// <summary>Error answers in Bacalhau's shape, so clients can show the message as it is.</summary>
internal static class ApiErrors
{
    /// <summary>The most of a message an answer carries: enough for every problem a spec can have, never a body's worth.</summary>
    private const int MaxMessageLength = 8 * 1024;

    private const string JsonContentType = "application/json";

    public static JsonHttpResult<ApiError> BadRequest(string message) => Error(message, StatusCodes.Status400BadRequest);

    public static JsonHttpResult<ApiError> NotFound(string message) => Error(message, StatusCodes.Status404NotFound);

    /// <summary>Declares the error answers an endpoint may give, each an <see cref="ApiError"/>, for the API's description.</summary>
    public static TBuilder ProducesApiErrors<TBuilder>(this TBuilder builder, params int[] codes)
        where TBuilder : IEndpointConventionBuilder
    {
        foreach (var code in codes)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(code, typeof(ApiError), [JsonContentType]));
        }

        return builder;
    }

    public static JsonHttpResult<ApiError> Error(string message, int code) => TypedResults.Json(new ApiError { Message = Bounded(message), Code = code }, BacalhauJsonContext.Default.ApiError, statusCode: code);

    // Messages quote what a request held; should one quote too much, the rest is left out rather than sent back.
    private static string Bounded(string message) =>
        message.Length <= MaxMessageLength ? message : string.Concat(message.AsSpan(0, MaxMessageLength), "...");
}

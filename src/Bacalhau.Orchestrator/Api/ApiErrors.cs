using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.Orchestrator.Api;

/// <summary>Error answers in Bacalhau's shape, so clients can show the message as it is.</summary>
internal static class ApiErrors
{
    /// <summary>The most of a message an answer carries: enough for every problem a spec can have, never a body's worth.</summary>
    private const int MaxMessageLength = 8 * 1024;

    public static IResult BadRequest(string message) => Error(message, StatusCodes.Status400BadRequest);

    public static IResult NotFound(string message) => Error(message, StatusCodes.Status404NotFound);

    public static IResult Error(string message, int code) => Results.Json(new ApiError { Message = Bounded(message), Code = code }, BacalhauJsonContext.Default.ApiError, statusCode: code);

    // Messages quote what a request held; should one quote too much, the rest is left out rather than sent back.
    private static string Bounded(string message) =>
        message.Length <= MaxMessageLength ? message : string.Concat(message.AsSpan(0, MaxMessageLength), "...");
}

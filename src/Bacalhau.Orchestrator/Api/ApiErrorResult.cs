using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.Orchestrator.Api;

/// <summary>
/// An error answer: <see cref="Value"/> with the status and the request's ID, which only the request being answered
/// knows, filled in when it is written.
/// </summary>
internal sealed class ApiErrorResult(ApiError value) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ApiError>, IContentTypeHttpResult
{
    public const string JsonContentType = "application/json";

    /// <summary>The header that carries the request's ID, as Bacalhau's API server sends it.</summary>
    public const string RequestIdHeader = "X-Request-ID";

    public ApiError Value { get; } = value;

    public int StatusCode => Value.Status;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    object? IValueHttpResult.Value => Value;

    public string ContentType => JsonContentType;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.Headers[RequestIdHeader] = httpContext.TraceIdentifier;
        return response.WriteAsJsonAsync(Value with { RequestID = httpContext.TraceIdentifier }, BacalhauJsonContext.Default.ApiError, JsonContentType, httpContext.RequestAborted);
    }
}

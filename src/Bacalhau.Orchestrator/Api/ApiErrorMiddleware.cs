using Microsoft.AspNetCore.WebUtilities;

namespace Bacalhau.Orchestrator.Api;

/// <summary>
/// Gives every answer the request's ID (<c>X-Request-ID</c>: the <c>RequestId</c> of the request's log entries), and
/// every error answer Bacalhau's body: the refusals of routing and Kestrel that come without one (404, 405, 415, ...)
/// and 500 for an exception nothing else handled, whose details go to the log only.
/// </summary>
internal sealed partial class ApiErrorMiddleware(RequestDelegate next, ILogger<ApiErrorMiddleware> logger)
{
    private const string LogHint = "the orchestrator's log has the details under this RequestID";
    private const string VersionHint = "the orchestrator may be older than this client: `bacalhau version` shows both versions";

    public async Task InvokeAsync(HttpContext context)
    {
        context.Response.Headers[ApiErrorResult.RequestIdHeader] = context.TraceIdentifier;
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException refusal) when (!context.Response.HasStarted)
        {
            // A body Kestrel refused (over the limit, malformed) while something other than our own reader read it.
            await ReplaceAsync(context, ApiErrors.Refused(refusal));
            return;
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            LogUnhandled(logger, ex, context.Request.Method, context.Request.Path);
            await ReplaceAsync(context, ApiErrors.Error("internal server error", StatusCodes.Status500InternalServerError, hint: LogHint));
            return;
        }

        if (context.Response is { HasStarted: false, StatusCode: >= 400 and < 600, ContentLength: null, ContentType: null or "" })
        {
            await Bare(context).ExecuteAsync(context);
        }
    }

    /// <summary>Whatever the failed request had set (headers, status) is dropped for the error.</summary>
    private static Task ReplaceAsync(HttpContext context, ApiErrorResult error)
    {
        context.Response.Clear();
        return error.ExecuteAsync(context);
    }

    /// <summary>The body of an error answer that has none, from its status and the request.</summary>
    private static ApiErrorResult Bare(HttpContext context)
    {
        var (method, path, status) = (context.Request.Method, context.Request.Path.Value, context.Response.StatusCode);
        return status switch
        {
            StatusCodes.Status404NotFound when context.GetEndpoint() is null => ApiErrors.NotFound($"{method} {path}: no such route", hint: VersionHint),
            // Routing's own refusal of a query or route value that is not of its parameter's type.
            StatusCodes.Status400BadRequest => ApiErrors.BadRequest(
                $"{method} {path}: a query or route value is not of the type this route takes", $"the API reference at {OpenApi.ApiReferenceExtensions.ReferencePath} gives each parameter's type"),
            StatusCodes.Status405MethodNotAllowed => ApiErrors.Error(
                $"{method} {path}: method not allowed", status, hint: context.Response.Headers.Allow is { Count: > 0 } allow ? $"this route takes {allow}" : null),
            StatusCodes.Status415UnsupportedMediaType => ApiErrors.Error(
                $"{method} {path}: a body of type '{context.Request.ContentType}' is not taken here", status, hint: "send the body as application/json"),
            _ => ApiErrors.Error($"{method} {path}: {ReasonPhrases.GetReasonPhrase(status)}", status),
        };
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, PathString path);
}

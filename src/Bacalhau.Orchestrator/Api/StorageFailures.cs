using Microsoft.Data.Sqlite;

namespace Bacalhau.Orchestrator.Api;

/// <summary>
/// Answers a request whose change the database could not record with a clear error the client can retry on: 507
/// when the disk is full, 503 for other storage failures. Nothing of the change is kept.
/// </summary>
internal static partial class StorageFailures
{
    private const int SqliteFull = 13;

    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception ex) when (ex is SqliteException or IOException && !context.HttpContext.Response.HasStarted)
        {
            var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StorageFailures));
            LogStorageFailed(logger, context.HttpContext.Request.Method, context.HttpContext.Request.Path, ex.Message);
            context.HttpContext.Response.Headers.RetryAfter = "10";
            return ex is SqliteException { SqliteErrorCode: SqliteFull }
                ? ApiErrors.Error("the orchestrator's disk is full: the change was not recorded; try again once space is freed", StatusCodes.Status507InsufficientStorage)
                : ApiErrors.Error("the orchestrator could not record the change (storage error); try again later", StatusCodes.Status503ServiceUnavailable);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed: the database could not record the change: {Error}")]
    private static partial void LogStorageFailed(ILogger logger, string method, string path, string error);
}

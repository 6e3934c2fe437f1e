using Bacalhau.Orchestrator.Cluster.Log;
using Microsoft.Data.Sqlite;

namespace Bacalhau.Orchestrator.Api;

/// <summary>
/// Answers a request whose change the database could not record with a clear error the client can retry on: 507
/// when the disk is full, 503 for other storage failures, and 503 when a replicated orchestrator lost the lead (or its
/// log could not be reached) while recording it. Nothing of the change is kept.
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
        catch (Exception ex) when (ex is NotLeaderException or LogFencedException or NATS.Client.Core.NatsException && !context.HttpContext.Response.HasStarted)
        {
            var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StorageFailures));
            LogNotLeading(logger, context.HttpContext.Request.Method, context.HttpContext.Request.Path, ex.Message);
            context.HttpContext.Response.Headers.RetryAfter = "2";
            return ApiErrors.Error("this orchestrator lost the lead of its cluster while recording the change, which was not recorded; retry shortly", StatusCodes.Status503ServiceUnavailable, ApiErrors.JobStore);
        }
        catch (Exception ex) when (ex is SqliteException or IOException && !context.HttpContext.Response.HasStarted)
        {
            var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StorageFailures));
            LogStorageFailed(logger, context.HttpContext.Request.Method, context.HttpContext.Request.Path, ex.Message);
            context.HttpContext.Response.Headers.RetryAfter = "10";
            return ex is SqliteException { SqliteErrorCode: SqliteFull }
                ? ApiErrors.Error("the orchestrator's disk is full: the change was not recorded; try again once space is freed", StatusCodes.Status507InsufficientStorage, ApiErrors.JobStore)
                : ApiErrors.Error("the orchestrator could not record the change (storage error); try again later", StatusCodes.Status503ServiceUnavailable, ApiErrors.JobStore);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} failed: this orchestrator does not lead any more: {Error}")]
    private static partial void LogNotLeading(ILogger logger, string method, string path, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed: the database could not record the change: {Error}")]
    private static partial void LogStorageFailed(ILogger logger, string method, string path, string error);
}

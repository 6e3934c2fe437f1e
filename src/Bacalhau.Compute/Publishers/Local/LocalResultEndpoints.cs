using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bacalhau.Compute.Publishers.Local;

internal static class LocalResultEndpoints
{
    /// <summary>
    /// GET <c>/results/{name}</c>: a published archive; 400 for a name the store never gives out (so no name reaches the
    /// disk), 404 for one it does not have. Open as Bacalhau's local publisher is, also where it shares a host with
    /// an orchestrator's authenticated API: the name is the SHA-256 of the content, known only to those who were told
    /// it, and the orchestrator fetches it from here for its clients, with no credentials of theirs to pass on.
    /// </summary>
    public static IEndpointRouteBuilder MapLocalResults(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(LocalResultUrls.PathPrefix + "{name}", Results<PhysicalFileHttpResult, JsonHttpResult<ApiError>, NotFound> (string name, LocalResultStore store, HttpContext http) =>
            !LocalResultStore.IsArchiveName(name) ? BadRequest(http, $"name: '{Shorten(name)}' is not the name of a result archive (<sha256 in hex>{LocalResultStore.Extension})")
            : store.Find(name) is { } path ? TypedResults.PhysicalFile(path, "application/gzip", name)
            : TypedResults.NotFound()).AllowAnonymous();
        return endpoints;
    }

    private static JsonHttpResult<ApiError> BadRequest(HttpContext http, string message) => TypedResults.Json(
        new ApiError
        {
            Status = StatusCodes.Status400BadRequest,
            Message = message,
            RequestID = http.TraceIdentifier,
            Code = ApiErrorCodes.BadRequest,
            Component = "LocalPublisher",
        },
        BacalhauJsonContext.Default.ApiError,
        statusCode: StatusCodes.Status400BadRequest);

    // The name is the requester's; echo only enough of it to recognise.
    private static string Shorten(string name) => name.Length <= 80 ? name : name[..80] + "...";
}

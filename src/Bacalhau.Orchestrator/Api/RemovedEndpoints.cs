namespace Bacalhau.Orchestrator.Api;

/// <summary>
/// The requester API Bacalhau removed in v1.5: its routes answer 410 Gone there, and so here, with the route that took
/// each one's place as the hint. Bacalhau's <c>POST /api/v1/run</c> is not among them: it runs jobs (<see cref="RunEndpoints"/>).
/// </summary>
internal static class RemovedEndpoints
{
    private const string Prefix = "/api/v1/requester";
    private const string MigrationGuide = "https://docs.bacalhau.org/references/cli-reference/command-migration";

    private static readonly (string Method, string Path, string Instead)[] Requester =
    [
        (HttpMethods.Post, "list", "GET /api/v1/orchestrator/jobs"),
        (HttpMethods.Get, "nodes", "GET /api/v1/orchestrator/nodes"),
        (HttpMethods.Post, "states", "GET /api/v1/orchestrator/jobs/{id}"),
        (HttpMethods.Post, "results", "GET /api/v1/orchestrator/jobs/{id}/results"),
        (HttpMethods.Post, "events", "GET /api/v1/orchestrator/jobs/{id}/history"),
        (HttpMethods.Post, "submit", "PUT /api/v1/orchestrator/jobs"),
        (HttpMethods.Post, "cancel", "DELETE /api/v1/orchestrator/jobs/{id}"),
        (HttpMethods.Post, "debug", "GET /api/v1/orchestrator/jobs/{id}/executions"),
        (HttpMethods.Get, "websocket/events", "GET /api/v1/orchestrator/jobs/{id}/history"),
    ];

    /// <summary>Open to anyone, as they only say where to go; described as what they answer.</summary>
    public static IEndpointRouteBuilder MapRemovedEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var requester = endpoints.MapGroup(Prefix).WithTags("Removed").AllowAnonymous().ProducesApiErrors(StatusCodes.Status410Gone);
        foreach (var (method, path, instead) in Requester)
        {
            var gone = ApiErrors.Error(
                $"{Prefix}/{path} was removed in Bacalhau v1.5", StatusCodes.Status410Gone, hint: $"use {instead}; see {MigrationGuide}");
            requester.MapMethods(path, [method], () => gone);
        }

        return endpoints;
    }
}

using Microsoft.AspNetCore.Http.HttpResults;

namespace Bacalhau.Compute.Publishers.Local;

public static class LocalResultEndpoints
{
    /// <summary>GET <c>/results/{name}</c>: a published archive, or 404 for any name the store did not give out.</summary>
    public static IEndpointRouteBuilder MapLocalResults(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(LocalResultUrls.PathPrefix + "{name}", Results<PhysicalFileHttpResult, NotFound> (string name, LocalResultStore store) =>
            store.Find(name) is { } path ? TypedResults.PhysicalFile(path, "application/gzip", name) : TypedResults.NotFound());
        return endpoints;
    }
}

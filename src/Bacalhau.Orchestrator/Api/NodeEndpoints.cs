using Bacalhau.Core.Api;
using Bacalhau.Orchestrator.Nodes;

namespace Bacalhau.Orchestrator.Api;

public static class NodeEndpoints
{
    public static IEndpointRouteBuilder MapNodeEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var nodes = endpoints.MapGroup("/api/v1/orchestrator/nodes").WithTags("Nodes");

        nodes.MapGet("/", (NodeRegistry registry) => new ListNodesResponse { Nodes = [.. registry.List()] });

        nodes.MapGet("/{id}", (string id, NodeRegistry registry) => registry.Get(id) is { } node
            ? Results.Ok(new GetNodeResponse { Node = node })
            : ApiErrors.NotFound($"node '{id}' not found"));

        nodes.MapPut("/{id}", (string id, UpdateNodeRequest? request, NodeRegistry registry) =>
        {
            if (string.IsNullOrWhiteSpace(request?.Action))
            {
                return ApiErrors.BadRequest("Action is required: one of approve, reject, delete");
            }

            var response = registry.ApplyAction(id, request.Action, request.Message);
            return Results.Ok(response);
        });

        return endpoints;
    }
}

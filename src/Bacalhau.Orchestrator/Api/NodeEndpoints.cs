using Bacalhau.Core.Api;
using Bacalhau.Core.Models;
using Bacalhau.Orchestrator.Nodes;
using Bacalhau.Orchestrator.Auth;

namespace Bacalhau.Orchestrator.Api;

public static class NodeEndpoints
{
    public static IEndpointRouteBuilder MapNodeEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var nodes = endpoints.MapGroup("/api/v1/orchestrator/nodes").WithTags("Nodes");

        nodes.MapGet("/", ListNodes).RequirePermission(ApiPermissions.ReadNode);

        nodes.MapGet("/{id}", (string id, NodeRegistry registry) => registry.Get(id) is { } node
            ? Results.Ok(new GetNodeResponse { Node = node })
            : ApiErrors.NotFound($"node '{id}' not found")).RequirePermission(ApiPermissions.ReadNode);

        nodes.MapPut("/{id}", async (string id, UpdateNodeRequest? request, NodeRegistry registry) =>
        {
            if (string.IsNullOrWhiteSpace(request?.Action))
            {
                return ApiErrors.BadRequest("Action is required: one of approve, reject, delete");
            }

            var response = await registry.ApplyActionAsync(id, request.Action, request.Message);
            return Results.Ok(response);
        }).RequirePermission(ApiPermissions.WriteNode);

        return endpoints;
    }

    /// <summary>Nodes by ID; all of them unless <c>limit</c> asks for a page (<c>next_token</c> continues).</summary>
    private static IResult ListNodes(NodeRegistry registry, int? limit, string? next_token)
    {
        if (!PageTokens.TryRead(next_token, out var offset))
        {
            return PageTokens.Invalid(next_token);
        }

        if (limit < 0)
        {
            return ApiErrors.BadRequest($"limit must not be negative, got {limit}");
        }

        var all = registry.ListById();
        var start = Math.Min(offset, all.Length);
        var count = limit is > 0 ? Math.Min(limit.Value, all.Length - start) : all.Length - start;
        var end = start + count;
        return new NodeListResult(
            new ArraySegment<NodeState>(all, start, count),
            end < all.Length ? PageTokens.For(end) : null);
    }
}

using Bacalhau.Core.Api;
using Bacalhau.Orchestrator.Nodes;

namespace Bacalhau.Orchestrator.Api;

public static class NodeEndpoints
{
    public static IEndpointRouteBuilder MapNodeEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var nodes = endpoints.MapGroup("/api/v1/orchestrator/nodes").WithTags("Nodes");

        nodes.MapGet("/", ListNodes);

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

        var all = registry.List().OrderBy(n => n.Info.NodeID, StringComparer.Ordinal).Skip(offset);
        var page = limit is > 0 ? [.. all.Take(limit.Value + 1)] : all.ToList();
        var more = limit is > 0 && page.Count > limit;
        return new NodeListResult(
            more ? page[..limit!.Value] : page,
            more ? PageTokens.For(offset + limit!.Value) : null);
    }
}

using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Models;
using Bacalhau.Orchestrator.Auth;
using Bacalhau.Orchestrator.Nodes;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Bacalhau.Orchestrator.Api;

internal static class NodeEndpoints
{
    private static readonly string[] Actions = ["approve", "reject", "delete"];

    public static IEndpointRouteBuilder MapNodeEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var nodes = endpoints.MapGroup("/api/v1/orchestrator/nodes").WithTags("Nodes");

        nodes.MapGet("/", ListNodes).RequirePermission(ApiPermissions.ReadNode);

        nodes.MapGet("/{id}", (string id, NodeRegistry registry) => registry.Get(id) is { } node
            ? Results.Ok(new GetNodeResponse { Node = node })
            : ApiErrors.NotFound($"node '{id}' not found")).RequirePermission(ApiPermissions.ReadNode);

        nodes.MapPut("/{id}", UpdateNodeAsync).RequirePermission(ApiPermissions.WriteNode);

        return endpoints;
    }

    /// <summary>Approves, rejects or deletes a node: 404 for a node this orchestrator does not know, as Bacalhau answers.</summary>
    /// <remarks>The body is read as JSON whatever its content type, so that a plain <c>curl -d</c> works.</remarks>
    private static async Task<IResult> UpdateNodeAsync(
        string id,
        HttpRequest request,
        RequestBodyReader bodies,
        NodeRegistry registry,
        IOptions<JsonOptions> json,
        CancellationToken cancellationToken)
    {
        UpdateNodeRequest? update;
        try
        {
            var type = (JsonTypeInfo<UpdateNodeRequest>)json.Value.SerializerOptions.GetTypeInfo(typeof(UpdateNodeRequest));
            update = JsonSerializer.Deserialize((await bodies.ReadUtf8Async(request, cancellationToken)).Span, type);
        }
        catch (Exception ex) when (RequestBodyErrors.Describe(ex) is { } refusal)
        {
            return refusal;
        }

        if (string.IsNullOrWhiteSpace(update?.Action))
        {
            return ApiErrors.BadRequest("Action is required: one of approve, reject, delete");
        }

        if (!Actions.Contains(update.Action.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            return ApiErrors.BadRequest($"Action: '{Shown(update.Action)}' is not one of approve, reject, delete");
        }

        if (registry.Get(id) is null)
        {
            return ApiErrors.NotFound($"node '{Shown(id)}' not found");
        }

        return Results.Ok(await registry.ApplyActionAsync(id, update.Action, update.Message));
    }

    // Names from a request are quoted back only in part.
    private static string Shown(string value) => value.Length <= 128 ? value : value[..128] + "...";

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

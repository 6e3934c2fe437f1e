using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Models;
using Bacalhau.Orchestrator.Auth;
using Bacalhau.Orchestrator.Cluster;
using Bacalhau.Orchestrator.Nodes;
using Bacalhau.Orchestrator.Scheduling;
using Bacalhau.Orchestrator.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Bacalhau.Orchestrator.Api;

internal static class NodeEndpoints
{
    private static readonly string[] Actions = ["approve", "reject", "delete"];
    private static readonly IComparer<NodeState> ById = Comparer<NodeState>.Create((a, b) => string.CompareOrdinal(a.Info.NodeID, b.Info.NodeID));

    public static IEndpointRouteBuilder MapNodeEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // The leader's: connection state lives in its memory, and membership changes are its decisions.
        var nodes = endpoints.MapGroup("/api/v1/orchestrator/nodes").WithTags("Nodes").LeaderOnly();

        // Written by NodeListResult, not the serializer: its model is declared for the API's description.
        nodes.MapGet("/", ListNodes).Produces<ListNodesResponse>().ProducesApiErrors(StatusCodes.Status400BadRequest).RequirePermission(ApiPermissions.ReadNode);

        nodes.MapGet("/{id}", Results<Ok<GetNodeResponse>, ApiErrorResult> (string id, NodeRegistry registry, OrchestratorNode self) => (registry.Get(id) ?? Self(self, id)) is { } node
            ? TypedResults.Ok(new GetNodeResponse { Node = node })
            : NotFound(id)).ProducesApiErrors(StatusCodes.Status404NotFound).RequirePermission(ApiPermissions.ReadNode);

        // The body is read by hand (whatever its content type), so its model is declared for the API's description.
        nodes.MapPut("/{id}", UpdateNodeAsync)
            .DescribesBody<UpdateNodeRequest>("application/json")
            .ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge)
            .RequirePermission(ApiPermissions.WriteNode);

        // The executions active on a node, from those the orchestrator holds in memory: as many as the cluster runs.
        nodes.MapGet("/{id}/executions", Results<Ok<ListJobExecutionsResponse>, ApiErrorResult> (string id, NodeRegistry registry, IJobStore store) => registry.Get(id) is null
            ? NotFound(id)
            : TypedResults.Ok(new ListJobExecutionsResponse { Items = [.. store.ActiveExecutions().Where(e => e.NodeID == id).OrderBy(e => e.CreateTime)] }))
            .ProducesApiErrors(StatusCodes.Status404NotFound)
            .RequirePermission(ApiPermissions.ReadJob | ApiPermissions.ReadNode);

        return endpoints;
    }

    /// <summary>Approves, rejects or deletes a node: 404 for a node this orchestrator does not know, as Bacalhau answers.</summary>
    /// <remarks>The body is read as JSON whatever its content type, so that a plain <c>curl -d</c> works.</remarks>
    private static async Task<Results<Ok<UpdateNodeResponse>, ApiErrorResult>> UpdateNodeAsync(
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
            return NotFound(id);
        }

        return TypedResults.Ok(await registry.ApplyActionAsync(id, update.Action, update.Message));
    }

    private static ApiErrorResult NotFound(string id) => ApiErrors.NotFound($"node '{Shown(id)}' not found", ApiErrors.NodesManager, "`bacalhau node list` lists the nodes");

    // Names from a request are quoted back only in part.
    private static string Shown(string value) => value.Length <= 128 ? value : value[..128] + "...";

    /// <summary>
    /// Nodes in <c>order_by</c> order (ID by default), all of them unless <c>limit</c> asks for a page (<c>next_token</c>
    /// continues); <c>filter-approval</c>, <c>filter-status</c> and <c>labels</c> (label selectors) narrow them, as
    /// Bacalhau's do.
    /// </summary>
    private static IResult ListNodes(
        NodeRegistry registry,
        OrchestratorNode self,
        int? limit,
        string? next_token,
        string? order_by,
        bool? reverse,
        string[]? labels,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "filter-approval")] string? filterApproval,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "filter-status")] string? filterStatus)
    {
        if (!ListPage.TryRead(limit, next_token, order_by, reverse, null, NodeOrder.Fields, out var page, out var refused))
        {
            return refused;
        }

        if (!TryReadEnum<NodeMembership>(filterApproval, "filter-approval", out var approval, out var error)
            || !TryReadEnum<NodeConnectionStatus>(filterStatus, "filter-status", out var status, out error)
            || !LabelSelectors.TryRead(labels, out var selector, out error))
        {
            return ApiErrors.BadRequest(error);
        }

        var all = WithSelf(registry.ListById(), self.State);
        var filtered = approval is null && status is null && selector.Count == 0 && page.OrderBy == "id" && !page.Reverse
            ? all
            : NodeOrder.Sort(
                all.Where(n => (approval is null || n.Membership == approval)
                    && (status is null || n.ConnectionState.Status == status)
                    && ConstraintMatcher.Matches(selector, n.Info.Labels)),
                page.OrderBy,
                page.Reverse);
        var (items, next) = page.Slice(filtered);
        return new NodeListResult(items, next);
    }

    /// <summary>A filter value naming one of <typeparamref name="T"/>'s values, any case; none for none.</summary>
    private static bool TryReadEnum<T>(string? value, string parameter, out T? parsed, [NotNullWhen(false)] out string? error)
        where T : struct, Enum
    {
        parsed = null;
        error = null;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        var names = Enum.GetNames<T>();
        if (names.FirstOrDefault(n => n.Equals(value, StringComparison.OrdinalIgnoreCase)) is not { } name)
        {
            error = $"{parameter}: '{Shown(value)}' is not one of {string.Join(", ", names.Select(n => n.ToLowerInvariant()))}";
            return false;
        }

        parsed = Enum.Parse<T>(name);
        return true;
    }

    private static NodeState? Self(OrchestratorNode self, string id) => self.State is var state && state.Info.NodeID == id ? state : null;

    /// <summary>
    /// The compute nodes with this orchestrator in its place in ID order: the leader lists itself, with its role. A
    /// hybrid node's compute side may carry the same ID; it is listed as the compute node it is.
    /// </summary>
    private static NodeState[] WithSelf(NodeState[] nodes, NodeState self)
    {
        var at = Array.BinarySearch(nodes, self, ById);
        if (at >= 0)
        {
            return nodes;
        }

        at = ~at;
        return [.. nodes.AsSpan(0, at), self, .. nodes.AsSpan(at)];
    }
}

using System.Text;
using System.Text.Json;

namespace Bacalhau.AppHost.Dashboard;

/// <summary>"Approve pending nodes": approves every node waiting for approval (<c>Orchestrator:NodeManager:ManualApproval</c>).</summary>
internal static class ApprovePendingNodesCommand
{
    public const string Name = "approve-pending-nodes";

    private const string Approve = """{"Action": "approve", "Message": "approved from the dashboard"}""";

    public static async Task<ExecuteCommandResult> ExecuteAsync(HttpClient api, CancellationToken cancellationToken)
    {
        using var list = await api.GetAsync(new Uri("/api/v1/orchestrator/nodes", UriKind.Relative), cancellationToken);
        if (!list.IsSuccessStatusCode)
        {
            return await OrchestratorApi.FailureAsync("the nodes could not be listed", list, cancellationToken);
        }

        using var nodes = await JsonDocument.ParseAsync(await list.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        var pending = nodes.RootElement.GetProperty("Nodes").EnumerateArray()
            .Where(node => node.TryGetProperty("Membership", out var membership) && membership.GetString() == "PENDING")
            .Select(node => node.GetProperty("Info").GetProperty("NodeID").GetString()!)
            .ToList();
        foreach (var id in pending)
        {
            using var body = new StringContent(Approve, Encoding.UTF8, "application/json");
            using var response = await api.PutAsync(new Uri($"/api/v1/orchestrator/nodes/{Uri.EscapeDataString(id)}", UriKind.Relative), body, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return await OrchestratorApi.FailureAsync($"node {id} was not approved", response, cancellationToken);
            }
        }

        return CommandResults.Success(pending.Count == 0 ? "No node is pending approval" : $"Approved {string.Join(", ", pending)}");
    }
}

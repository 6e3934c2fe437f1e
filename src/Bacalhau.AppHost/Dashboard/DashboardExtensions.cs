using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bacalhau.AppHost.Dashboard;

internal static class DashboardExtensions
{
    /// <summary>
    /// The orchestrator's links (its web UI at the API's root, the API reference) and its commands in the dashboard.
    /// <paramref name="dataDir"/> is the orchestrator's data directory, where the commands find its admin API key.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDashboardCommands(this IResourceBuilder<ProjectResource> orchestrator, string? dataDir)
    {
        orchestrator
            .WithUrlForEndpoint(OrchestratorApi.EndpointName, url => url.DisplayText = "Web UI")
            .WithUrlForEndpoint(OrchestratorApi.EndpointName, _ => new ResourceUrlAnnotation { Url = "/scalar", DisplayText = "API reference" })
            .WithCommand(
                SubmitHelloJobCommand.Name,
                "Submit hello job",
                context => RunAsync(orchestrator.Resource, dataDir, SubmitHelloJobCommand.ExecuteAsync, context.CancellationToken),
                new CommandOptions { UpdateState = WhenHealthy, IconName = "Play", Description = "Submits a small noop batch job through the API" })
            .WithCommand(
                ApprovePendingNodesCommand.Name,
                "Approve pending nodes",
                context => RunAsync(orchestrator.Resource, dataDir, ApprovePendingNodesCommand.ExecuteAsync, context.CancellationToken),
                new CommandOptions { UpdateState = WhenHealthy, IconName = "CheckmarkCircle", Description = "Approves every compute node waiting for approval" });
        return orchestrator;
    }

    private static ResourceCommandState WhenHealthy(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.HealthStatus == HealthStatus.Healthy ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;

    private static async Task<ExecuteCommandResult> RunAsync(
        IResourceWithEndpoints orchestrator,
        string? dataDir,
        Func<HttpClient, CancellationToken, Task<ExecuteCommandResult>> command,
        CancellationToken cancellationToken)
    {
        using var api = OrchestratorApi.Create(orchestrator, dataDir);
        try
        {
            return await command(api, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException && !cancellationToken.IsCancellationRequested)
        {
            return CommandResults.Failure($"the orchestrator did not answer as expected: {ex.Message}");
        }
    }
}

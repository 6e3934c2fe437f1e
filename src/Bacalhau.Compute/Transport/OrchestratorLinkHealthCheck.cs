using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bacalhau.Compute.Transport;

/// <summary>Ready only while an orchestrator has accepted this node.</summary>
internal sealed class OrchestratorLinkHealthCheck(OrchestratorLink link) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(link.IsJoined
            ? HealthCheckResult.Healthy("joined")
            : HealthCheckResult.Unhealthy(link.LastError ?? "not joined yet"));
}

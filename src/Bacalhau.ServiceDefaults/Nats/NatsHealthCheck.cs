using Microsoft.Extensions.Diagnostics.HealthChecks;
using NATS.Client.Core;

namespace Bacalhau.ServiceDefaults.Nats;

/// <summary>Healthy only when the connection is open and the server answers a ping.</summary>
internal sealed class NatsHealthCheck(INatsConnection connection) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var rtt = await connection.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy($"NATS round trip {rtt.TotalMilliseconds:F1} ms");
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"NATS is not reachable ({connection.ConnectionState}): {ex.Message}");
        }
    }
}

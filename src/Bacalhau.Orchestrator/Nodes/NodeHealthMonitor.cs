using Microsoft.Extensions.Options;

namespace Bacalhau.Orchestrator.Nodes;

/// <summary>Periodically marks nodes whose heartbeats stopped as DISCONNECTED.</summary>
internal sealed class NodeHealthMonitor(NodeRegistry registry, TimeProvider time, IOptions<NodeManagerOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A quarter of the timeout bounds how late a disconnect is noticed; one second bounds the cost of a scan.
        var period = TimeSpan.FromTicks(Math.Clamp(options.Value.DisconnectTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 100, TimeSpan.TicksPerSecond));
        using var timer = new PeriodicTimer(period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            registry.DisconnectStaleNodes();
        }
    }
}

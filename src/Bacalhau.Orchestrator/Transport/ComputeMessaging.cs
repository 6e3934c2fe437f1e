using Bacalhau.Orchestrator.Jobs;

namespace Bacalhau.Orchestrator.Transport;

/// <summary>Runs the channel with compute nodes: their messages go to the job coordinator, in order and once each.</summary>
public sealed class ComputeMessaging(ComputeChannel channel, JobCoordinator coordinator) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        channel.RunAsync(coordinator.HandleComputeMessageAsync, coordinator.DeadLetterAsync, stoppingToken);
}

using Bacalhau.Compute.Executions;
using Bacalhau.Compute.Storage;

namespace Bacalhau.Compute.Transport;

/// <summary>Runs the channel with the orchestrator: its messages go to the execution manager, in order and once each.</summary>
public sealed class OrchestratorMessaging(OrchestratorChannel channel, ExecutionStore store, ExecutionManager executions) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // What the outbox held goes first: recovery enqueues messages numbered after it.
        channel.Start();
        await executions.RecoverAsync();
        await channel.RunAsync(executions.HandleAsync, (letter, _) => store.DeadLetterAsync(letter), stoppingToken);
    }
}

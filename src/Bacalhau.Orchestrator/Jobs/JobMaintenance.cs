namespace Bacalhau.Orchestrator.Jobs;

/// <summary>Drives <see cref="JobCoordinator.MaintainAsync"/> once a second.</summary>
internal sealed partial class JobMaintenance(JobCoordinator coordinator, TimeProvider time, ILogger<JobMaintenance> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await coordinator.MaintainAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogMaintenanceFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Job maintenance failed; retrying next tick")]
    private static partial void LogMaintenanceFailed(ILogger logger, Exception exception);
}

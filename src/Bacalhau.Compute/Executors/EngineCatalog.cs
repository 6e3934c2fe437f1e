namespace Bacalhau.Compute.Executors;

/// <summary>
/// The engines that really work here, probed once at start (before the node joins), so the node advertises only
/// those and the scheduler never sends it others.
/// </summary>
public sealed partial class EngineCatalog(IEnumerable<IExecutor> executors, ILogger<EngineCatalog> logger) : IHostedService
{
    // Generous: a daemon that is absent fails at once; one that is merely slow (a loaded machine) must not be written off.
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);
    private Dictionary<string, IExecutor> _available = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<string> Engines => _available.Keys;

    public IExecutor? Find(string engine) => _available.GetValueOrDefault(engine);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var available = new Dictionary<string, IExecutor>(StringComparer.OrdinalIgnoreCase);
        foreach (var executor in executors)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ProbeTimeout);
            bool works;
            try
            {
                works = await executor.IsAvailableAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                works = false;
            }

            if (works)
            {
                available[executor.Engine] = executor;
            }

            LogProbe(logger, executor.Engine, works);
        }

        _available = available;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Engine {Engine} available: {Available}")]
    private static partial void LogProbe(ILogger logger, string engine, bool available);
}

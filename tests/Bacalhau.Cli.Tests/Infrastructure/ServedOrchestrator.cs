using System.Globalization;

namespace Bacalhau.Cli.Tests.Infrastructure;

/// <summary>
/// One orchestrator started with <c>bacalhau serve --orchestrator</c> (no compute nodes) for the tests of a class, with
/// an HTTP client of its REST API; <see cref="Arguments"/> are extra serve flags a derived fixture sets.
/// </summary>
public class ServedOrchestrator : IAsyncLifetime
{
    // Stops the process and removes its data dir; xunit calls DisposeAsync, which runs it.
    private Func<ValueTask>? _stop;
    private CliProcess? _process;

    public HttpClient Http { get; private set; } = null!;

    public Uri Api => Http.BaseAddress!;

    public string DataDir { get; private set; } = "";

    /// <summary>The orchestrator's process, to watch its liveness and memory.</summary>
    internal CliProcess Process => _process ?? throw new InvalidOperationException("not started");

    protected virtual string[] Arguments => [];

    public async Task InitializeAsync()
    {
        var cluster = new LocalCluster();
        _stop = cluster.DisposeAsync;
        DataDir = cluster.NewDataDir();
        var apiPort = LocalCluster.FreePort();
        _process = await cluster.StartOrchestratorAsync(DataDir, apiPort, LocalCluster.FreePort(), Arguments);
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort.ToString(CultureInfo.InvariantCulture)}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_stop is not null)
        {
            await _stop();
        }
    }
}

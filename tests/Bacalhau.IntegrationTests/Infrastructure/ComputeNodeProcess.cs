using Bacalhau.Identity.Nodes;

namespace Bacalhau.IntegrationTests.Infrastructure;

/// <summary>A compute node started by a test as its own process, so the test can crash or restart it.</summary>
public sealed class ComputeNodeProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private ComputeNodeProcess(ChildProcess process, string dataDir)
    {
        _process = process;
        DataDir = dataDir;
    }

    public string DataDir { get; }

    internal ChildProcess Process => _process;

    /// <summary>Starts a node that joins <paramref name="natsUrl"/>; <paramref name="environment"/> adds or overrides settings.</summary>
    public static ComputeNodeProcess Start(string natsUrl, string token, string dataDir, TimeSpan heartbeatInterval, IReadOnlyDictionary<string, string>? environment = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__nats"] = natsUrl,
            ["Compute__Auth__Token"] = token,
            ["Compute__Heartbeat__Interval"] = heartbeatInterval.ToString(),
            ["BACALHAU_DIR"] = dataDir,
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["DOTNET_ENVIRONMENT"] = "Development",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var process = ChildProcess.Start("dotnet", [RepositoryPaths.ComputeAssembly], settings);
        return new ComputeNodeProcess(process, dataDir);
    }

    /// <summary>The node ID, once the node has written it to its data directory.</summary>
    public Task<string> WaitForNodeIdAsync(TimeSpan timeout) =>
        Eventually.WaitAsync(
            () =>
            {
                var dir = Path.Combine(DataDir, "compute");
                return Task.FromResult(File.Exists(Path.Combine(dir, SystemMetadata.FileName)) ? SystemMetadata.Load(dir).NodeId : null);
            },
            timeout,
            $"the compute node to write its ID under {DataDir}\n{_process.Output}");

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}

using System.Diagnostics.Metrics;
using Bacalhau.Orchestrator.Cluster;
using Bacalhau.Orchestrator.Cluster.Log;
using Bacalhau.Orchestrator.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.JetStream;

namespace Bacalhau.Orchestrator.Tests.Cluster.Log;

/// <summary>One orchestrator's replicated store on a real SQLite file, on the log of a real JetStream; as leader or follower.</summary>
internal sealed class Replica : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly CancellationTokenSource _stop = new();
    private Task? _following;

    public Replica(string dir, StateLog log)
    {
        Directory.CreateDirectory(dir);
        Path = System.IO.Path.Combine(dir, "state.db");
        Log = log;
        Store = new SqliteJobStore(Path, "orchestrator");
        Metrics = new ClusterMetrics(_services.GetRequiredService<IMeterFactory>());
        Applied = Store.StartReplication();
    }

    /// <summary>The last sequence the database had applied when it was opened.</summary>
    public ulong Applied { get; }

    public string Path { get; }

    public StateLog Log { get; }

    public SqliteJobStore Store { get; }

    public ClusterMetrics Metrics { get; }

    public LogFollower? Follower { get; private set; }

    public static async Task<StateLog> OpenLogAsync(INatsJSContext jetStream, int orchestrators)
    {
        var log = new StateLog(jetStream);
        await log.EnsureAsync(orchestrators, CancellationToken.None);
        return log;
    }

    /// <summary>Appends this replica's commits, expecting the log to end where this replica applied it.</summary>
    public LogAppender Lead()
    {
        var appender = new LogAppender(Log, Store.Writer, Follower?.Applied ?? Applied, 512 * 1024, () => true, Metrics);
        Store.ReplicateThrough(appender);
        return appender;
    }

    /// <summary>Applies the log from where this replica left it, in the background.</summary>
    public void Follow()
    {
        Follower = new LogFollower(Log, Store, Applied, Metrics, NullLogger.Instance);
        _following = Follower.RunAsync(_stop.Token);
    }

    public Task WaitForAsync(ulong sequence) => Follower!.WaitForAsync(sequence, CancellationToken.None).WaitAsync(Timeout);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_following is not null)
        {
            await _following.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        await Store.DisposeAsync();
        await _services.DisposeAsync();
        _stop.Dispose();
    }
}

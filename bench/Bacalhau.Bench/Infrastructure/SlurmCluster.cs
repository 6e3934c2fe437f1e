using System.Globalization;
using Bacalhau.Bench.Measurement;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.Bench.Infrastructure;

/// <summary>
/// Debian's <c>slurm-wlm</c> as a one-node cluster: its own <c>munged</c>, <c>slurmctld</c> and <c>slurmd</c> in the
/// foreground, with key, socket, state, spool and logs under one temporary directory and ports of their own, so a
/// system Slurm (if any) is neither used nor disturbed. Each daemon is stopped by its PID (with the jobs it
/// started) and the directory removed when disposed.
/// </summary>
internal sealed class SlurmCluster : IAsyncDisposable
{
    private static readonly string[] Programs = ["munged", "mungekey", "slurmctld", "slurmd", "srun", "sbatch", "squeue", "sinfo"];
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(1);

    private readonly string _directory;
    private readonly List<ChildProcess> _daemons = [];

    private SlurmCluster(string directory)
    {
        _directory = directory;
        Environment = new Dictionary<string, string> { ["SLURM_CONF"] = Path.Combine(directory, "slurm.conf") };
    }

    /// <summary>What Slurm's commands need to find this cluster.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>Why Slurm cannot run here, or null when it can.</summary>
    public static string? Unavailable()
    {
        var missing = Programs.Where(p => Which(p) is null).ToList();
        if (missing.Count > 0)
        {
            return $"not installed: {string.Join(", ", missing)} (apt-get install slurm-wlm munge)";
        }

        // slurmd runs jobs as their submitter and must be root to do so.
        return System.Environment.UserName == "root" ? null : "slurmd needs root";
    }

    public static async Task<SlurmCluster> StartAsync(CancellationToken cancellationToken)
    {
        var cluster = new SlurmCluster(Directory.CreateTempSubdirectory("bacalhau-bench-slurm-").FullName);
        try
        {
            await cluster.StartDaemonsAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a Slurm command against this cluster and returns its output; a non-zero exit throws.</summary>
    public async Task<string> RunAsync(string program, params string[] arguments) =>
        await CommandTimer.RunAsync(PathOf(program), arguments, Environment) ?? throw new InvalidOperationException($"{program} is not installed");

    /// <summary>Where <paramref name="program"/> is installed (the sbin directories included, which a user's PATH may lack).</summary>
    public static string PathOf(string program) => Which(program) ?? program;

    public async ValueTask DisposeAsync()
    {
        // slurmd first, and with it the job steps it started; munged last, as the others authenticate through it.
        for (var i = _daemons.Count - 1; i >= 0; i--)
        {
            await _daemons[i].DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private async Task StartDaemonsAsync(CancellationToken cancellationToken)
    {
        var key = Path.Combine(_directory, "munge.key");
        var socket = Path.Combine(_directory, "munge.socket");
        await RunAsync("mungekey", "--create", "--keyfile", key);
        // --force: the socket's directory is private to root, which munged would refuse as unusable by others.
        Start("munged", "--foreground", "--force", $"--socket={socket}", $"--key-file={key}", $"--log-file={In("munged.log")}", $"--pid-file={In("munged.pid")}", $"--seed-file={In("munged.seed")}");
        await Eventually.WaitAsync(() => Task.FromResult(File.Exists(socket) ? socket : null), StartTimeout, "munged's socket");

        Directory.CreateDirectory(In("state"));
        Directory.CreateDirectory(In("spool"));
        await File.WriteAllTextAsync(Environment["SLURM_CONF"], Configuration(socket), cancellationToken);
        Start("slurmctld", "-D");
        Start("slurmd", "-D");
        await Eventually.WaitAsync(
            async () =>
            {
                if (_daemons.FirstOrDefault(d => d.HasExited) is { } exited)
                {
                    throw new InvalidOperationException($"a Slurm daemon exited while starting:\n{exited.Output}");
                }

                try
                {
                    var state = await RunAsync("sinfo", "-h", "-o", "%T");
                    return state.Trim() == "idle" ? state : null;
                }
                catch (InvalidOperationException)
                {
                    // slurmctld not answering yet.
                    return null;
                }
            },
            StartTimeout,
            "the Slurm node to be idle");
    }

    // As the verified one-node setup, with this run's paths, free ports and munged's socket.
    private string Configuration(string mungeSocket)
    {
        var host = System.Environment.MachineName;
        return string.Create(CultureInfo.InvariantCulture, $"""
            ClusterName=bench
            SlurmctldHost={host}
            SlurmctldPort={FreePort.Next()}
            SlurmdPort={FreePort.Next()}
            AuthType=auth/munge
            AuthInfo=socket={mungeSocket}
            SlurmUser=root
            SlurmdUser=root
            StateSaveLocation={In("state")}
            SlurmdSpoolDir={In("spool")}
            SlurmctldPidFile={In("slurmctld.pid")}
            SlurmdPidFile={In("slurmd.pid")}
            SlurmctldLogFile={In("slurmctld.log")}
            SlurmdLogFile={In("slurmd.log")}
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            MpiDefault=none
            SchedulerType=sched/builtin
            SelectType=select/cons_tres
            SelectTypeParameters=CR_Core
            MaxJobCount=100000
            MinJobAge=2
            NodeName={host} CPUs={System.Environment.ProcessorCount} RealMemory=1000 State=UNKNOWN
            PartitionName=debug Nodes={host} Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:64

            """);
    }

    private void Start(string program, params string[] arguments) =>
        _daemons.Add(ChildProcess.Start(PathOf(program), arguments, Environment, _directory));

    private string In(string name) => Path.Combine(_directory, name);

    private static string? Which(string program) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin"])
            .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
}

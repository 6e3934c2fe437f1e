using System.Diagnostics;
using Bacalhau.Cli.Tests.Infrastructure;

namespace Bacalhau.Cli.Tests.Serve;

/// <summary>
/// The orchestrator's own nats-server never outlives <c>bacalhau serve</c> into the next start. These tests start
/// serve again on ports they freed: alone, so that no other test picks those ports meanwhile as free ones.
/// </summary>
[Collection(Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class EmbeddedNatsServerTests
{
    public const string Name = "ports reused after a kill";
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task After_kill_9_of_serve_its_nats_server_is_gone_and_the_next_serve_starts_on_the_same_ports()
    {
        await using var cluster = new LocalCluster();
        var dataDir = cluster.NewDataDir();
        var (apiPort, natsPort) = (LocalCluster.FreePort(), LocalCluster.FreePort());
        var first = await cluster.StartOrchestratorAsync(dataDir, apiPort, natsPort);
        var orphan = Assert.Single(LocalCluster.EmbeddedNatsServerPids(dataDir));

        await first.KillAsync();
        // The kernel kills it along (parent-death signal), before anything starts again.
        await LocalCluster.WaitUntilAsync(() => Task.FromResult(!LocalCluster.EmbeddedNatsServerPids(dataDir).Contains(orphan)), watched: null, $"nats-server {orphan} to be gone");
        var second = await cluster.StartOrchestratorAsync(dataDir, apiPort, natsPort);

        Assert.DoesNotContain("left running", second.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(orphan, Assert.Single(LocalCluster.EmbeddedNatsServerPids(dataDir)));
    }

    [Fact]
    public async Task A_nats_server_left_running_on_the_data_dir_is_stopped_by_the_next_serve()
    {
        await using var cluster = new LocalCluster();
        var dataDir = cluster.NewDataDir();
        var (apiPort, natsPort) = (LocalCluster.FreePort(), LocalCluster.FreePort());
        var first = await cluster.StartOrchestratorAsync(dataDir, apiPort, natsPort);
        var commandLine = ReadCommandLine(Assert.Single(LocalCluster.EmbeddedNatsServerPids(dataDir)));
        await first.StopAsync(TimeSpan.FromSeconds(20));

        // The same server as serve runs it, but not bound to any parent: what a crash leaves when the kernel could
        // not be asked to kill it along (no setpriv, or the parent died while it was being started).
        using var leftover = StartProcess(commandLine[0], commandLine[1..]);
        try
        {
            await LocalCluster.WaitUntilAsync(
                async () => File.Exists(PidFile(dataDir)) && (await File.ReadAllTextAsync(PidFile(dataDir))).Trim() == $"{leftover.Id}",
                watched: null,
                "the leftover nats-server to write its pid file");
            var second = await cluster.StartOrchestratorAsync(dataDir, apiPort, natsPort);

            using var exited = new CancellationTokenSource(ExitTimeout);
            await leftover.WaitForExitAsync(exited.Token);
            Assert.Contains($"(PID {leftover.Id})", second.Stdout, StringComparison.Ordinal);
            Assert.NotEqual(leftover.Id, Assert.Single(LocalCluster.EmbeddedNatsServerPids(dataDir)));
        }
        finally
        {
            Stop(leftover);
        }
    }

    [Fact]
    public async Task A_pid_file_naming_another_process_leaves_that_process_alone()
    {
        await using var cluster = new LocalCluster();
        var dataDir = cluster.NewDataDir();
        using var stranger = StartProcess("sleep", "600");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(PidFile(dataDir))!);
            await File.WriteAllTextAsync(PidFile(dataDir), $"{stranger.Id}");

            await cluster.StartOrchestratorAsync(dataDir, LocalCluster.FreePort(), LocalCluster.FreePort());

            Assert.False(stranger.HasExited);
        }
        finally
        {
            Stop(stranger);
        }
    }

    [Fact]
    public async Task A_second_serve_on_a_data_dir_in_use_is_refused_and_leaves_the_first_one_running()
    {
        await using var cluster = new LocalCluster();
        var (dataDir, apiPort, _) = await cluster.StartOrchestratorAsync();
        var running = Assert.Single(LocalCluster.EmbeddedNatsServerPids(dataDir));

        await using var second = CliProcess.Start(
            dataDir, "serve", "--orchestrator", "--api-port", $"{LocalCluster.FreePort()}", "--host", "127.0.0.1",
            "--port", $"{LocalCluster.FreePort()}", "--Orchestrator.Host=127.0.0.1");
        var exitCode = await second.WaitForExitAsync(LocalCluster.StartTimeout);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("another `bacalhau serve`", second.Stderr, StringComparison.Ordinal);
        Assert.Equal([running], LocalCluster.EmbeddedNatsServerPids(dataDir));
        Assert.Equal(0, (await CliProcess.RunAsync(dataDir, "agent", "alive", "--api-port", $"{apiPort}")).ExitCode);
    }

    [Fact]
    public async Task The_token_is_not_on_the_nats_server_command_line_and_its_config_and_keys_are_owner_only()
    {
        await using var cluster = new LocalCluster();
        const string token = "a-token-nobody-may-see-0123456789";
        var (dataDir, _, _) = await cluster.StartOrchestratorAsync($"--Orchestrator.Auth.Token={token}");

        var commandLines = LocalCluster.EmbeddedNatsServerPids(dataDir).Select(pid => string.Join(' ', ReadCommandLine(pid))).ToList();

        Assert.NotEmpty(commandLines);
        Assert.All(commandLines, line => Assert.DoesNotContain(token, line, StringComparison.Ordinal));
        var auth = Path.Combine(dataDir, "orchestrator", "nats-auth");
        Assert.All(Directory.GetFiles(auth), file => Assert.Equal(OwnerOnly, File.GetUnixFileMode(file)));
        Assert.DoesNotContain(token, await File.ReadAllTextAsync(Path.Combine(auth, "nats-server.conf")), StringComparison.Ordinal);
    }

    private static string PidFile(string dataDir) => Path.Combine(dataDir, "orchestrator", "nats-server.pid");

    private static string[] ReadCommandLine(int pid) =>
        File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);

    private static Process StartProcess(string fileName, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(fileName) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = Process.Start(startInfo)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit(ExitTimeout);
        }
    }
}

[CollectionDefinition(EmbeddedNatsServerTests.Name, DisableParallelization = true)]
public sealed class PortsReusedAfterAKill;

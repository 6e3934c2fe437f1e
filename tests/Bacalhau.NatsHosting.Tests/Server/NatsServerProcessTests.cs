using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Bacalhau.NatsHosting.Server;
using NATS.Client.Core;

namespace Bacalhau.NatsHosting.Tests.Server;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NatsServerProcessTests : IDisposable
{
    private const string Token = "the-cluster-token-0123456789";
    private readonly string _directory = Directory.CreateTempSubdirectory("bacalhau-nats-launcher-").FullName;
    private readonly string _executable = NatsServerBinary.Find() ?? throw new InvalidOperationException(NatsServerBinary.MissingMessage);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Started_it_serves_a_user_of_the_cluster_account_from_an_owner_only_config_with_no_secret_on_its_command_line()
    {
        var config = Write(FreePort());

        await using var server = await NatsServerProcess.StartAsync(_executable, config);

        using (var signer = NatsAccountSigner.Load(config.AccountSeedFile))
        {
            await using var client = new NatsConnection(NatsOpts.Default with { Url = config.ClientUrl, AuthOpts = signer.ServiceUser("test"), MaxReconnectRetry = 0 });
            await client.ConnectAsync();
            await client.PingAsync();
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(config.ConfigFile));
        var commandLine = File.ReadAllText($"/proc/{server.Pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["-c", config.ConfigFile, "--pid", config.PidFile], commandLine[1..]);
        Assert.Equal("nats-server", Path.GetFileName(commandLine[0]));
        Assert.Equal(server.Pid.ToString(CultureInfo.InvariantCulture), File.ReadAllText(config.PidFile).Trim());
    }

    [Fact]
    public async Task Anonymous_clients_are_refused()
    {
        var config = Write(FreePort());
        await using var server = await NatsServerProcess.StartAsync(_executable, config);

        await using var anonymous = new NatsConnection(NatsOpts.Default with { Url = config.ClientUrl, MaxReconnectRetry = 0 });
        await Assert.ThrowsAnyAsync<NatsException>(async () => await anonymous.ConnectAsync());
    }

    [Fact]
    public async Task Disposed_it_is_stopped_by_its_pid()
    {
        var server = await NatsServerProcess.StartAsync(_executable, Write(FreePort()));
        var pid = server.Pid;

        await server.DisposeAsync();

        Assert.False(IsRunning(pid));
    }

    [Fact]
    public async Task A_server_that_cannot_listen_fails_the_start_with_its_own_error_line_and_is_not_left_running()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var config = Write(((IPEndPoint)taken.LocalEndpoint).Port);

        var error = await Assert.ThrowsAsync<NatsServerStartException>(() => NatsServerProcess.StartAsync(_executable, config));

        Assert.Contains("address already in use", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Token, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_binary_is_one_clear_error()
    {
        var missing = Path.Combine(_directory, "no-nats-server");

        var error = await Assert.ThrowsAsync<NatsServerStartException>(() => NatsServerProcess.StartAsync(missing, Write(FreePort())));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task A_leftover_server_on_the_pid_file_is_stopped_and_another_process_it_names_is_left_alone()
    {
        var config = Write(FreePort());
        // Started as a parent would that died: not bound to this process, not stopped by it.
        using var leftover = Process.Start(new ProcessStartInfo(_executable, config.Arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        try
        {
            await WaitForPidFileAsync(config.PidFile, leftover.Id);

            Assert.Equal(leftover.Id, await LeftoverNatsServer.StopAsync(config.PidFile, CancellationToken.None));
            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await leftover.WaitForExitAsync(exited.Token);
        }
        finally
        {
            if (!leftover.HasExited)
            {
                leftover.Kill();
            }
        }

        using var stranger = Process.Start("sleep", "600");
        try
        {
            await File.WriteAllTextAsync(config.PidFile, stranger.Id.ToString(CultureInfo.InvariantCulture));

            Assert.Null(await LeftoverNatsServer.StopAsync(config.PidFile, CancellationToken.None));
            Assert.False(stranger.HasExited);
        }
        finally
        {
            stranger.Kill();
        }
    }

    private NatsServerConfig Write(int port) =>
        NatsServerConfig.Write(Path.Combine(_directory, "keys"), Token, "127.0.0.1", port, Path.Combine(_directory, "store"));

    private static async Task WaitForPidFileAsync(string pidFile, int pid)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!File.Exists(pidFile) || (await File.ReadAllTextAsync(pidFile, timeout.Token)).Trim() != pid.ToString(CultureInfo.InvariantCulture))
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

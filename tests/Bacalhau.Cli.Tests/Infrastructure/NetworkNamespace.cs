using System.Diagnostics;
using System.Security.Cryptography;

namespace Bacalhau.Cli.Tests.Infrastructure;

/// <summary>
/// A network namespace joined to this host by a veth pair on a /30 of 10.213.0.0/16: a second machine as far as
/// the host's services can tell, reaching only this host. Deleting the namespace deletes the pair with it.
/// </summary>
internal sealed class NetworkNamespace : IAsyncDisposable
{
    private NetworkNamespace(string name, string hostAddress, string guestAddress)
    {
        Name = name;
        HostAddress = hostAddress;
        GuestAddress = guestAddress;
    }

    public string Name { get; }

    /// <summary>This host's end of the pair, where services bound to 0.0.0.0 are reached from the namespace.</summary>
    public string HostAddress { get; }

    /// <summary>The namespace's own address, the client address the host's services see.</summary>
    public string GuestAddress { get; }

    public static async Task<NetworkNamespace> CreateAsync()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        // One of the 16,384 /30 blocks of 10.213.0.0/16, so that tests running at once do not collide.
        var block = RandomNumberGenerator.GetInt32(0, 256 * 64);
        var (third, fourth) = (block / 64, block % 64 * 4);
        var network = new NetworkNamespace($"bac-test-{id}", $"10.213.{third}.{fourth + 1}", $"10.213.{third}.{fourth + 2}");
        var (hostLink, guestLink) = ($"vbh{id}", $"vbg{id}");
        try
        {
            await RunAsync("ip", "netns", "add", network.Name);
            await RunAsync("ip", "link", "add", hostLink, "type", "veth", "peer", "name", guestLink);
            await RunAsync("ip", "link", "set", guestLink, "netns", network.Name);
            await RunAsync("ip", "addr", "add", $"{network.HostAddress}/30", "dev", hostLink);
            await RunAsync("ip", "link", "set", hostLink, "up");
            await RunAsync("ip", "netns", "exec", network.Name, "ip", "addr", "add", $"{network.GuestAddress}/30", "dev", guestLink);
            await RunAsync("ip", "netns", "exec", network.Name, "ip", "link", "set", guestLink, "up");
            await RunAsync("ip", "netns", "exec", network.Name, "ip", "link", "set", "lo", "up");
            return network;
        }
        catch
        {
            await network.DisposeAsync();
            await RunAsync(["ip", "link", "delete", hostLink], check: false);
            throw;
        }
    }

    /// <summary>Runs <paramref name="command"/> inside the namespace; returns its exit code and output.</summary>
    public Task<CliResult> ExecAsync(params string[] command) => RunAsync(["ip", "netns", "exec", Name, .. command], check: false);

    public async ValueTask DisposeAsync() => await RunAsync(["ip", "netns", "delete", Name], check: false);

    private static Task<CliResult> RunAsync(params string[] command) => RunAsync(command, check: true);

    private static async Task<CliResult> RunAsync(string[] command, bool check)
    {
        var startInfo = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in command[1..])
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"`{string.Join(' ', command)}` did not end within 60 s");
            }
        }

        var result = new CliResult(process.ExitCode, await stdout, await stderr);
        return !check || result.ExitCode == 0 ? result : throw new InvalidOperationException($"`{string.Join(' ', command)}` failed: {result}");
    }
}

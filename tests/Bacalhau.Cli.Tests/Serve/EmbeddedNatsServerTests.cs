using Bacalhau.Cli.Tests.Infrastructure;

namespace Bacalhau.Cli.Tests.Serve;

/// <summary>The orchestrator's own nats-server: no secret on its command line, its config and keys owner-only.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class EmbeddedNatsServerTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task The_token_is_not_on_the_nats_server_command_line_and_its_config_and_keys_are_owner_only()
    {
        await using var cluster = new LocalCluster();
        const string token = "a-token-nobody-may-see-0123456789";
        var (orchestratorDir, _, _) = await cluster.StartOrchestratorAsync($"--Orchestrator.Auth.Token={token}");

        var commandLines = NatsServerCommandLines(orchestratorDir);

        Assert.NotEmpty(commandLines);
        Assert.All(commandLines, line => Assert.DoesNotContain(token, line, StringComparison.Ordinal));
        var auth = Path.Combine(orchestratorDir, "orchestrator", "nats-auth");
        Assert.All(Directory.GetFiles(auth), file => Assert.Equal(OwnerOnly, File.GetUnixFileMode(file)));
        Assert.DoesNotContain(token, await File.ReadAllTextAsync(Path.Combine(auth, "nats-server.conf")), StringComparison.Ordinal);
    }

    /// <summary>What <c>ps</c> shows of every nats-server that serves <paramref name="dataDir"/>.</summary>
    private static List<string> NatsServerCommandLines(string dataDir) =>
        [.. Directory.GetDirectories("/proc")
            .Where(dir => int.TryParse(Path.GetFileName(dir), out _))
            .Select(dir => ReadCommandLine(Path.Combine(dir, "cmdline")))
            .Where(line => line.Contains("nats-server", StringComparison.Ordinal) && line.Contains(dataDir, StringComparison.Ordinal))];

    private static string ReadCommandLine(string path)
    {
        try
        {
            return File.ReadAllText(path).Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}

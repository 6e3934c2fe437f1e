namespace Bacalhau.NatsHosting.Server;

/// <summary>
/// Finds <c>nats-server</c> (the orchestrator's embedded server, the local cluster's NATS): on PATH, or where system
/// packages put it. Without it a cluster would hang at start, so callers fail first with <see cref="MissingMessage"/>.
/// </summary>
public static class NatsServerBinary
{
    public const string MissingMessage =
        "nats-server was not found: install it (Debian/Ubuntu: sudo apt-get install -y nats-server; " +
        "elsewhere see https://docs.nats.io/running-a-nats-service/introduction/installation) and run again";

    private static readonly string[] SystemDirectories = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin"];

    public static string? Find()
    {
        var name = OperatingSystem.IsWindows() ? "nats-server.exe" : "nats-server";
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(SystemDirectories)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }
}

namespace Bacalhau.Cli.Serve;

/// <summary>Finds the <c>nats-server</c> an orchestrator embeds: on PATH, or where system packages put it.</summary>
internal static class NatsServerBinary
{
    public const string MissingMessage =
        "nats-server was not found, and an orchestrator runs one: install it (Debian/Ubuntu: sudo apt-get install -y nats-server; " +
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

namespace Bacalhau.AppHost.Nats;

/// <summary>Finds <c>nats-server</c> on PATH; without it the cluster would hang at start, so we fail first.</summary>
public static class NatsServerExecutable
{
    public const string MissingMessage =
        "nats-server was not found on PATH. Install it (Debian/Ubuntu: sudo apt-get install -y nats-server; " +
        "other systems: https://docs.nats.io/running-a-nats-service/introduction/installation) and run again.";

    public static string? Find()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "nats-server"))
            .FirstOrDefault(File.Exists);
    }
}

namespace Bacalhau.Identity.Nodes;

/// <summary>
/// Where a node keeps its state: <c>DataDir</c> from configuration, else <c>BACALHAU_DIR</c>, else
/// <c>BACALHAU_PATH</c> (the name the seeds use), else <c>~/.bacalhau</c>.
/// </summary>
public static class DataDirectory
{
    public static string Resolve(string? configured)
    {
        var path = FirstNonEmpty(
            configured,
            Environment.GetEnvironmentVariable("BACALHAU_DIR"),
            Environment.GetEnvironmentVariable("BACALHAU_PATH"))
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".bacalhau");
        path = Path.GetFullPath(path);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// Creates <paramref name="path"/> readable by its owner only, or takes group and other rights off it when it exists:
    /// a node's state (job specs with their environment, keys, results) is nobody else's to read.
    /// </summary>
    public static string CreateOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return path;
        }

        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        var directory = Directory.CreateDirectory(path, OwnerOnly);
        if ((directory.UnixFileMode & ~OwnerOnly) != 0)
        {
            directory.UnixFileMode &= OwnerOnly;
        }

        return path;
    }

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}

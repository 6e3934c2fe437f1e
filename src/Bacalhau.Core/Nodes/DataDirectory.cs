namespace Bacalhau.Core.Nodes;

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

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}

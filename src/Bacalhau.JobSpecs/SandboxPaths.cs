namespace Bacalhau.JobSpecs;

/// <summary>
/// The rules for names and paths a job carries onto a compute node. Result names become directories on the node's
/// disk and paths become mount points, so the API checks them (<see cref="JobValidator"/>) and the compute node checks
/// them again before using them: a spec that never passed the API must not reach outside its execution either.
/// Each method returns what is wrong, or null when nothing is.
/// </summary>
public static class SandboxPaths
{
    /// <summary>Longest name of a file or directory most Linux file systems take.</summary>
    public const int MaxNameLength = 255;

    /// <summary>Linux's PATH_MAX.</summary>
    public const int MaxPathLength = 4096;

    /// <summary>A result name: one plain file name, which the node creates under the execution's outputs directory.</summary>
    public static string? NameProblem(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "required";
        }

        if (name.Length > MaxNameLength)
        {
            return $"must be at most {MaxNameLength} characters, got {name.Length}";
        }

        if (HasControl(name))
        {
            return "must not contain control characters";
        }

        return name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal) ? $"must be a plain name without '/' or '\\', got '{name}'"
            : name is "." or ".." ? $"must be a plain name, not '{name}'"
            : null;
    }

    /// <summary>
    /// A path inside the execution's container or sandbox (a result path, an input target): absolute and normalised,
    /// neither the root nor going up. POSIX whatever the host; a trailing '/' is allowed (a directory target).
    /// </summary>
    public static string? ContainerPathProblem(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return "required";
        }

        if (CommonProblem(path) is { } problem)
        {
            return problem;
        }

        if (!path.StartsWith('/'))
        {
            return $"must be an absolute path, got '{path}'";
        }

        var segments = path.TrimEnd('/').Split('/')[1..];
        return segments.Length == 0 ? "must not be the root directory '/'"
            : segments.Any(s => s is "" or "." or "..") ? $"must be a normalised absolute path without empty, '.' or '..' segments, got '{path}'"
            : null;
    }

    /// <summary>A reference to a staged file (a Wasm module by target, alias or path in a directory input): never going up.</summary>
    public static string? ReferenceProblem(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return "required";
        }

        return CommonProblem(path) is { } problem ? problem
            : path.Split('/').Any(s => s is "." or "..") ? $"must not contain '.' or '..' segments, got '{path}'"
            : null;
    }

    /// <summary>An input's alias, which only names it: optional, short and printable.</summary>
    public static string? AliasProblem(string alias) =>
        alias.Length > MaxNameLength ? $"must be at most {MaxNameLength} characters, got {alias.Length}"
        : HasControl(alias) ? "must not contain control characters"
        : null;

    private static string? CommonProblem(string path) =>
        path.Length > MaxPathLength ? $"must be at most {MaxPathLength} characters, got {path.Length}"
        : HasControl(path) ? "must not contain control characters"
        : null;

    // A plain loop: the compute node checks every execution ID it is offered, and this allocates nothing.
    private static bool HasControl(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }
}

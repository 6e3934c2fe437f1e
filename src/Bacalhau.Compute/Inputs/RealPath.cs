namespace Bacalhau.Compute.Inputs;

/// <summary>The canonical form of a path: absolute, normalised, with every symbolic link along it resolved.</summary>
internal static class RealPath
{
    private const int MaxLinks = 40;

    public static string Resolve(string path)
    {
        var pending = new Queue<string>(Split(Path.GetFullPath(path)));
        var current = Path.GetPathRoot(Path.GetFullPath(path))!;
        var links = 0;
        while (pending.TryDequeue(out var part))
        {
            var next = Path.Combine(current, part);
            var info = new FileInfo(next);
            if (info.LinkTarget is { } target)
            {
                if (++links > MaxLinks)
                {
                    throw new InputException($"'{path}' has too many levels of symbolic links");
                }

                // A link's target replaces what was resolved so far (absolute) or continues from its directory.
                var expanded = Path.GetFullPath(target, current);
                pending = new Queue<string>(Split(expanded).Concat(pending));
                current = Path.GetPathRoot(expanded)!;
                continue;
            }

            current = next;
        }

        return Path.TrimEndingDirectorySeparator(current);
    }

    private static string[] Split(string fullPath) =>
        fullPath[Path.GetPathRoot(fullPath)!.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
}

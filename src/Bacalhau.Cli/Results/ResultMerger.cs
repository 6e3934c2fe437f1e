namespace Bacalhau.Cli.Results;

/// <summary>
/// Moves unpacked results into the output directory as Bacalhau does: the trees merge; with several results
/// <c>stdout</c>, <c>stderr</c> and <c>exitCode</c> are appended one after the other, and any other file two results
/// both have is an error that points to <c>--raw</c>.
/// </summary>
internal static class ResultMerger
{
    private static readonly string[] AppendedFiles = ["stdout", "stderr", "exitCode"];

    public static async Task MergeAsync(string from, string into, bool appendOutput, CancellationToken cancellationToken)
    {
        foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            await MoveAsync(entry, Path.Combine(into, entry.Name), appendOutput && AppendedFiles.Contains(entry.Name), cancellationToken);
        }
    }

    private static async Task MoveAsync(FileSystemInfo entry, string target, bool append, CancellationToken cancellationToken)
    {
        // Never through or over a link already at the target: it could lead out of the output directory.
        var existing = new FileInfo(target);
        if (existing.LinkTarget is not null)
        {
            throw Conflict(target);
        }

        if (entry is DirectoryInfo { LinkTarget: null } directory)
        {
            if (File.Exists(target))
            {
                throw Conflict(target);
            }

            Directory.CreateDirectory(target);
            foreach (var child in directory.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                await MoveAsync(child, Path.Combine(target, child.Name), append: false, cancellationToken);
            }

            return;
        }

        if (append)
        {
            await using var source = File.OpenRead(entry.FullName);
            await using var sink = new FileStream(target, new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write });
            await source.CopyToAsync(sink, cancellationToken);
            return;
        }

        if (Path.Exists(target))
        {
            throw Conflict(target);
        }

        // A file or a link the archive made, moved as it is.
        File.Move(entry.FullName, target);
    }

    private static InvalidDataException Conflict(string target) =>
        new($"cannot merge results as output already exists: {target}. Try --raw to download raw results instead of merging them");
}

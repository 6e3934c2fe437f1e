using System.Formats.Tar;
using System.IO.Compression;

namespace Bacalhau.Cli.Results;

/// <summary>How much one result archive may unpack to.</summary>
internal sealed record ExtractLimits(int MaxEntries, long MaxBytes)
{
    /// <summary>Far beyond a real result (a node keeps stdout and stderr to a MiB each), still a bound on a hostile one.</summary>
    public static readonly ExtractLimits Default = new(100_000, 16L * 1024 * 1024 * 1024);
}

/// <summary>
/// Unpacks a result archive (a gzipped tar) from a compute node, which is not trusted: every entry must land inside
/// the target directory, so names that are absolute or climb with <c>..</c>, hard links, devices, and symbolic links
/// other than relative ones down the tree are refused, and nothing is written through a link. Entry count and bytes
/// are bounded. Files and directories get the user's usual modes (0644 and 0755 under umask 022, as Bacalhau makes
/// them), never the archive's.
/// </summary>
internal static class ResultArchiveExtractor
{
    /// <summary>Unpacks <paramref name="archive"/> into <paramref name="directory"/>, which must not exist yet.</summary>
    /// <exception cref="InvalidDataException">The archive breaks a rule; what was unpacked so far stays for the caller to remove.</exception>
    public static async Task ExtractAsync(Stream archive, string directory, ExtractLimits limits, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(directory);
        Directory.CreateDirectory(root);
        await using var gzip = new GZipStream(archive, CompressionMode.Decompress, leaveOpen: true);
        await using var tar = new TarReader(gzip, leaveOpen: true);
        var entries = 0;
        long bytes = 0;
        while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            if (++entries > limits.MaxEntries)
            {
                throw new InvalidDataException($"the result archive has more than {limits.MaxEntries} entries");
            }

            var target = Target(root, entry.Name);
            if (target is null)
            {
                continue;
            }

            EnsureNoLinkOnTheWay(root, target, entry.Name);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(target);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    bytes += entry.Length;
                    if (bytes > limits.MaxBytes)
                    {
                        throw new InvalidDataException($"the result archive unpacks to more than {limits.MaxBytes} bytes");
                    }

                    await WriteFileAsync(root, target, entry, cancellationToken);
                    break;
                case TarEntryType.SymbolicLink:
                    CreateLink(root, target, entry);
                    break;
                default:
                    throw Refused(entry.Name, $"a {entry.EntryType} entry is not allowed in a result");
            }
        }
    }

    /// <summary>Where an entry goes; null for the archive's root itself. Throws when the name leads anywhere else.</summary>
    private static string? Target(string root, string name)
    {
        if (name.Length == 0 || name.Contains('\0', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
        {
            throw Refused(name, "not a plain relative path");
        }

        if (name.StartsWith('/'))
        {
            throw Refused(name, "an absolute path");
        }

        var segments = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToList();
        if (segments.Contains(".."))
        {
            throw Refused(name, "climbs out with '..'");
        }

        return segments.Count == 0 ? null : Path.Combine([root, .. segments]);
    }

    /// <summary>Every directory between the root and the entry must be a real one: writing through a link could land anywhere.</summary>
    private static void EnsureNoLinkOnTheWay(string root, string target, string name)
    {
        for (var path = target; path.Length > root.Length; path = Path.GetDirectoryName(path)!)
        {
            if (new FileInfo(path).LinkTarget is not null)
            {
                throw Refused(name, "goes through a link");
            }
        }
    }

    private static async Task WriteFileAsync(string root, string target, TarEntry entry, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        EnsureNoLinkOnTheWay(root, target, entry.Name);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        await using var file = new FileStream(target, options);
        if (entry.DataStream is { } data)
        {
            // The header's length was counted; the data never runs past it (TarReader serves exactly that many bytes).
            await data.CopyToAsync(file, cancellationToken);
        }
    }

    /// <summary>
    /// Only links down from where they are: a link that climbs could pass through another link and out of the result,
    /// whatever its text says, and a link up is rarely what a result is about.
    /// </summary>
    private static void CreateLink(string root, string target, TarEntry entry)
    {
        var linkTarget = entry.LinkName;
        if (linkTarget.Length == 0 || linkTarget.StartsWith('/') || linkTarget.Contains('\0', StringComparison.Ordinal)
            || linkTarget.Split('/').Contains(".."))
        {
            throw Refused(entry.Name, $"a link to '{Shown(linkTarget)}', which may lead outside the result (only links down are kept)");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        EnsureNoLinkOnTheWay(root, Path.GetDirectoryName(target)!, entry.Name);
        if (Path.Exists(target) || new FileInfo(target).LinkTarget is not null)
        {
            throw Refused(entry.Name, "a link over an entry already there");
        }

        File.CreateSymbolicLink(target, linkTarget);
    }

    private static InvalidDataException Refused(string name, string why) =>
        new($"refusing the result archive: entry '{Shown(name)}' is {why}");

    // The name is the node's; show only enough of it to recognise, without control characters.
    private static string Shown(string name)
    {
        var clean = new string([.. name.Take(200).Select(c => char.IsControl(c) ? '?' : c)]);
        return name.Length > 200 ? clean + "..." : clean;
    }
}

using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Bacalhau.Compute.Executors;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.JobSpecs;

namespace Bacalhau.Compute.Publishers.Local;

/// <summary>
/// The layout Bacalhau gives downloaded results: each result path under its name, beside <c>stdout</c>,
/// <c>stderr</c> and <c>exitCode</c>; written by the publishers, unpacked by the <c>ipfs</c> input source.
/// </summary>
internal static class ResultArchive
{
    /// <summary>The most entries one archive may unpack to.</summary>
    public const int MaxEntries = 100_000;

    public static async Task WriteAsync(Stream destination, IReadOnlyList<ResultDirectory> results, RunCommandResult result, CancellationToken cancellationToken)
    {
        await using var gzip = new GZipStream(destination, CompressionLevel.Optimal, leaveOpen: true);
        await using var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var directory in results)
        {
            await tar.WriteEntryAsync(directory.HostPath, directory.Name, cancellationToken);
            await WriteTreeAsync(tar, new DirectoryInfo(directory.HostPath), directory.Name, cancellationToken);
        }

        await WriteTextAsync(tar, "stdout", result.Stdout, cancellationToken);
        await WriteTextAsync(tar, "stderr", result.Stderr, cancellationToken);
        await WriteTextAsync(tar, "exitCode", result.ExitCode.ToString(CultureInfo.InvariantCulture), cancellationToken);
    }

    /// <summary>Entries as they are on disk: a symbolic link the task made stays a link and is never followed.</summary>
    private static async Task WriteTreeAsync(TarWriter tar, DirectoryInfo directory, string entryPrefix, CancellationToken cancellationToken)
    {
        foreach (var entry in directory.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var entryName = $"{entryPrefix}/{entry.Name}";
            await tar.WriteEntryAsync(entry.FullName, entryName, cancellationToken);
            if (entry is DirectoryInfo { LinkTarget: null } subdirectory)
            {
                await WriteTreeAsync(tar, subdirectory, entryName, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Unpacks an archive <see cref="WriteAsync"/> wrote into <paramref name="directory"/>: directories and regular
    /// files only, under names that stay inside it (no absolute names, no '.' or '..' segments), at most
    /// <paramref name="maxSize"/> bytes and <see cref="MaxEntries"/> entries. A link or device is refused rather than
    /// made, so nothing written later can be led out of the directory. Throws <see cref="InvalidDataException"/>
    /// naming what is wrong.
    /// </summary>
    public static async Task ExtractAsync(Stream archive, string directory, long maxSize, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        await using var gzip = new GZipStream(archive, CompressionMode.Decompress, leaveOpen: true);
        await using var tar = new TarReader(gzip, leaveOpen: true);
        long size = 0;
        var entries = 0;
        while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            if (++entries > MaxEntries)
            {
                throw new InvalidDataException($"it holds more than {MaxEntries} entries");
            }

            var path = Path.Combine(directory, RelativePath(entry.Name));
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(path);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    size += entry.Length;
                    if (size > maxSize)
                    {
                        throw new InvalidDataException($"it unpacks to more than {maxSize} bytes");
                    }

                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
                    {
                        if (entry.DataStream is { } data)
                        {
                            await data.CopyToAsync(file, cancellationToken);
                        }
                    }

                    break;
                default:
                    throw new InvalidDataException($"'{entry.Name}' is a {entry.EntryType}; only files and directories are unpacked");
            }
        }
    }

    /// <summary>An entry's name as a path relative to the directory it is unpacked into.</summary>
    private static string RelativePath(string name)
    {
        var segments = name.TrimEnd('/').Split('/');
        if (name.Length is 0 or > SandboxPaths.MaxPathLength || name.StartsWith('/') || segments.Any(s => s is "" or "." or ".." || s.Any(char.IsControl)))
        {
            throw new InvalidDataException($"the entry name '{name}' would not stay inside the input directory");
        }

        return Path.Combine(segments);
    }

    private static async Task WriteTextAsync(TarWriter tar, string name, string text, CancellationToken cancellationToken)
    {
        using var data = new MemoryStream(Encoding.UTF8.GetBytes(text));
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = data, ModificationTime = DateTimeOffset.UnixEpoch };
        await tar.WriteEntryAsync(entry, cancellationToken);
    }
}

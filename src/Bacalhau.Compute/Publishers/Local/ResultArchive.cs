using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Bacalhau.Compute.Executors;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Compute.Publishers.Local;

/// <summary>
/// The layout Bacalhau gives downloaded results: each result path under its name, beside <c>stdout</c>,
/// <c>stderr</c> and <c>exitCode</c>.
/// </summary>
internal static class ResultArchive
{
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

    private static async Task WriteTextAsync(TarWriter tar, string name, string text, CancellationToken cancellationToken)
    {
        using var data = new MemoryStream(Encoding.UTF8.GetBytes(text));
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = data, ModificationTime = DateTimeOffset.UnixEpoch };
        await tar.WriteEntryAsync(entry, cancellationToken);
    }
}

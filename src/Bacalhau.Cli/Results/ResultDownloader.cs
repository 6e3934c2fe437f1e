using System.Security.Cryptography;
using System.Text.Json;
using Bacalhau.Cli.Formats;
using Bacalhau.Cli.Output;
using Bacalhau.Client;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Identity.Content;

namespace Bacalhau.Cli.Results;

/// <summary>
/// Downloads a job's published results as Bacalhau's <c>job get</c> does: each execution's result is fetched into
/// <c>raw/</c> of the output directory (an <c>ipfs</c> result as the directory <c>raw/&lt;cid&gt;</c>, a
/// <c>urlDownload</c> or <c>s3PreSigned</c> one as the file it names, its URL's host and path flattened), and unless <c>--raw</c> they are unpacked and merged
/// into the output directory (<c>stdout</c>, <c>stderr</c>, <c>exitCode</c> and the result paths by name).
/// </summary>
internal sealed class ResultDownloader(BacalhauClient client, TextWriter output, TextWriter error)
{
    /// <summary>Far above any result a node keeps; bounds what one download may write to this disk.</summary>
    private const long MaxArchiveBytes = 8L * 1024 * 1024 * 1024;

    private const string RawFolder = "raw";

    // Characters a flattened URL may not keep, as Bacalhau flattens them.
    private static readonly char[] Unsafe = ['/', '\\', ':', '*', '?', '"', '<', '>', '|'];

    public async Task DownloadAsync(string jobId, DownloadSettings settings, CancellationToken cancellationToken)
    {
        await error.WriteLineAsync($"Fetching results of job '{jobId}'...");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.Timeout);
        try
        {
            await DownloadWithinAsync(jobId, settings, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"the results of job {jobId} did not download within --download-timeout-secs {settings.Timeout}");
        }
    }

    private async Task DownloadWithinAsync(string jobId, DownloadSettings settings, CancellationToken cancellationToken)
    {
        var published = (await client.ListResultsAsync(jobId, cancellationToken)).Items;
        if (published.Count == 0)
        {
            await output.WriteLineAsync($"No results found\nYou can check the logged output of the job using the logs command.\n\n  bacalhau job logs {jobId}");
            return;
        }

        var fetches = published.Select(Locate).ToList();
        if (fetches.Any(f => f is null))
        {
            await error.WriteLineAsync("No supported downloader found for the published results. You will have to download the results differently.");
            await error.WriteLineAsync(OutputWriter.ToIndentedJson(JsonSerializer.SerializeToElement(published, CliJsonContext.Default.IReadOnlyListSpecConfig)));
            return;
        }

        // The same result published twice (the same CID) is fetched once, as Bacalhau does.
        var distinct = fetches.Select(f => f!).DistinctBy(f => f.Name).ToList();
        var outputDir = OutputDirectory(settings.OutputDir, jobId);
        // Merged results pass through a folder of their own, so nothing of the user's named raw/ is touched.
        var staging = Path.Combine(outputDir, settings.Raw ? RawFolder : $".raw-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            var unpacked = new List<string>();
            foreach (var fetch in distinct)
            {
                unpacked.Add(await FetchAsync(fetch, staging, keep: settings.Raw, cancellationToken));
            }

            if (!settings.Raw)
            {
                foreach (var directory in unpacked)
                {
                    await ResultMerger.MergeAsync(directory, outputDir, appendOutput: unpacked.Count > 1, cancellationToken);
                }
            }
        }
        finally
        {
            if (!settings.Raw)
            {
                Directory.Delete(staging, recursive: true);
            }
        }

        await output.WriteLineAsync($"Results for job '{jobId}' have been written to...\n{outputDir}");
    }

    /// <summary>
    /// Fetches one result into <paramref name="staging"/>; returns the directory it unpacked to. With
    /// <paramref name="keep"/> the result stays as Bacalhau keeps it raw, and one already there is not fetched again.
    /// </summary>
    private async Task<string> FetchAsync(ResultFetch fetch, string staging, bool keep, CancellationToken cancellationToken)
    {
        var kept = Path.Combine(staging, fetch.Name);
        if (keep && (Path.Exists(kept) || new FileInfo(kept).LinkTarget is not null))
        {
            return kept;
        }

        var download = Path.Combine(staging, $".{Guid.NewGuid():N}.download");
        try
        {
            await using (var file = new FileStream(download, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous }))
            {
                await client.DownloadAsync(fetch.Url, file, MaxArchiveBytes, cancellationToken);
            }

            if (fetch.Cid is { } cid)
            {
                await using var file = File.OpenRead(download);
                if (!cid.Names(await SHA256.HashDataAsync(file, cancellationToken)))
                {
                    throw new InvalidDataException($"the content fetched for {cid} is not what the CID names");
                }
            }

            if (!fetch.IsArchive)
            {
                // A plain file: kept under its flattened name, merged as a file of the result.
                var holder = keep ? staging : Directory.CreateDirectory(Path.Combine(staging, $".{Guid.NewGuid():N}")).FullName;
                File.Move(download, Path.Combine(holder, fetch.Name));
                return holder;
            }

            if (keep && fetch.Cid is null)
            {
                File.Move(download, kept);
                return kept;
            }

            var unpacked = Path.Combine(staging, keep ? fetch.Name : fetch.Name[..^ArchiveExtension(fetch.Name).Length]);
            var unpacking = Path.Combine(staging, $".{Guid.NewGuid():N}.unpacking");
            try
            {
                await using (var archive = File.OpenRead(download))
                {
                    await ResultArchiveExtractor.ExtractAsync(archive, unpacking, ExtractLimits.Default, cancellationToken);
                }

                Directory.Move(unpacking, unpacked);
            }
            finally
            {
                if (Directory.Exists(unpacking))
                {
                    Directory.Delete(unpacking, recursive: true);
                }
            }

            return unpacked;
        }
        finally
        {
            File.Delete(download);
        }
    }

    /// <summary>What to fetch for a published result, or null when it is of a kind this client cannot download.</summary>
    private static ResultFetch? Locate(SpecConfig result)
    {
        if (result.Type == PublisherTypes.Ipfs)
        {
            return Text(result, "CID") is { } text && Cid.TryParse(text, out var cid, out _)
                ? new ResultFetch(new Uri($"api/v1/ipfs/{cid}", UriKind.Relative), cid.ToString(), IsArchive: true, cid)
                : null;
        }

        // An s3 archive comes with a URL the orchestrator signed: fetched as a download, named by its bucket and key.
        var address = result.Type.Equals(SourceTypes.UrlDownload, StringComparison.OrdinalIgnoreCase) ? Text(result, "URL")
            : result.Type.Equals(SourceTypes.S3PreSigned, StringComparison.OrdinalIgnoreCase) ? Text(result, "PreSignedURL")
            : null;
        if (Uri.TryCreate(address, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            var name = string.Join('_', (url.Authority + url.AbsolutePath).Split(Unsafe));
            return name.Length is > 0 and <= 255 && name is not ("." or "..") ? new ResultFetch(url, name, ArchiveExtension(name).Length > 0, null) : null;
        }

        return null;
    }

    private static string ArchiveExtension(string name) =>
        name.EndsWith(".tar.gz", StringComparison.Ordinal) ? ".tar.gz" : name.EndsWith(".tgz", StringComparison.Ordinal) ? ".tgz" : "";

    private static string? Text(SpecConfig config, string name) =>
        config.TryGetParam(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The directory given, which must exist, or <c>job-&lt;id&gt;</c> in the current directory, made when missing.</summary>
    private static string OutputDirectory(string? given, string jobId)
    {
        if (given is not null)
        {
            var full = Path.GetFullPath(given);
            return Directory.Exists(full) ? full : throw new CliException($"output dir does not exist: {full}");
        }

        if (jobId.IndexOfAny(['/', '\\']) >= 0 || jobId is "." or ".." || jobId.Any(char.IsControl))
        {
            throw new CliException($"'{jobId}' cannot name a folder; give one with --output-dir");
        }

        return Directory.CreateDirectory(Path.Combine(Environment.CurrentDirectory, $"job-{jobId}")).FullName;
    }

    /// <param name="Url">Relative to the API, or absolute.</param>
    /// <param name="Name">Its name in <c>raw/</c>.</param>
    /// <param name="IsArchive">Whether it is unpacked (Bacalhau decides by the name: <c>.tar.gz</c>, <c>.tgz</c>).</param>
    /// <param name="Cid">For content by CID, what its bytes must hash to.</param>
    private sealed record ResultFetch(Uri Url, string Name, bool IsArchive, Cid? Cid);
}

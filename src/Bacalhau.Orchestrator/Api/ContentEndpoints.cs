using System.Formats.Tar;
using System.IO.Compression;
using Bacalhau.Identity.Content;
using Bacalhau.JobSpecs;
using Bacalhau.Messaging.Content;
using Bacalhau.Orchestrator.Auth;

namespace Bacalhau.Orchestrator.Api;

/// <summary>
/// Published results by CID, as an IPFS gateway serves them: <c>GET /ipfs/{cid}</c> is the whole result archive (a
/// gzipped tar), <c>GET /ipfs/{cid}/{path}</c> one file in it (<c>/ipfs/{cid}/stdout</c>). Also under <c>/api/v1</c>.
/// </summary>
internal static class ContentEndpoints
{
    public static IEndpointRouteBuilder MapContentEndpoints(this IEndpointRouteBuilder endpoints)
    {
        foreach (var prefix in (string[])["/ipfs", "/api/v1/ipfs"])
        {
            var group = endpoints.MapGroup(prefix).WithTags("Content").RequirePermission(ApiPermissions.ReadJob);
            group.MapGet("/{cid}", GetArchiveAsync)
                .Produces(StatusCodes.Status200OK, contentType: "application/gzip")
                .ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
            group.MapGet("/{cid}/{**path}", GetFileAsync)
                .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
                .ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        }

        return endpoints;
    }

    private static async Task<IResult> GetArchiveAsync(string cid, HttpContext http, ContentStore content, CancellationToken cancellationToken)
    {
        if (!Cid.TryParse(cid, out var parsed, out var problem))
        {
            return ApiErrors.BadRequest($"'{cid}' is not a CID: {problem}");
        }

        var archive = await DownloadAsync(parsed, content, cancellationToken);
        if (archive is null)
        {
            return NotFound(parsed);
        }

        http.Response.RegisterForDisposeAsync(archive);
        return Results.File(archive, "application/gzip", $"{parsed}.tar.gz");
    }

    private static async Task<IResult> GetFileAsync(string cid, string path, HttpContext http, ContentStore content, CancellationToken cancellationToken)
    {
        if (!Cid.TryParse(cid, out var parsed, out var problem))
        {
            return ApiErrors.BadRequest($"'{cid}' is not a CID: {problem}");
        }

        // Names a file inside the archive, never one of this machine; anything that looks like climbing out is refused.
        if (SandboxPaths.ReferenceProblem(path) is { } pathProblem)
        {
            return ApiErrors.BadRequest($"path: {pathProblem}");
        }

        await using var archive = await DownloadAsync(parsed, content, cancellationToken);
        if (archive is null)
        {
            return NotFound(parsed);
        }

        var wanted = path.Trim('/');
        await using var gzip = new GZipStream(archive, CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            if (entry.Name.TrimEnd('/') != wanted)
            {
                continue;
            }

            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
            {
                return ApiErrors.NotFound($"'{wanted}' in {parsed} is not a file ({entry.EntryType})");
            }

            http.Response.ContentType = "application/octet-stream";
            http.Response.ContentLength = entry.Length;
            // An empty file has no data stream.
            if (entry.DataStream is { } data)
            {
                await data.CopyToAsync(http.Response.Body, cancellationToken);
            }

            return Results.Empty;
        }

        return ApiErrors.NotFound($"{parsed} has no '{wanted}'");
    }

    /// <summary>The content in a temporary file that goes away when closed, or null when the store has none.</summary>
    private static async Task<FileStream?> DownloadAsync(Cid cid, ContentStore content, CancellationToken cancellationToken)
    {
        var file = TemporaryFiles.Create();
        try
        {
            if (!await content.TryGetAsync(cid, file, cancellationToken))
            {
                await file.DisposeAsync();
                return null;
            }

            file.Position = 0;
            return file;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    private static ApiErrorResult NotFound(Cid cid) => ApiErrors.NotFound($"no content with CID {cid}");
}

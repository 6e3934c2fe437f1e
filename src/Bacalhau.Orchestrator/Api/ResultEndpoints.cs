using System.Text.Json;
using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Identity.Content;
using Bacalhau.Orchestrator.Auth;
using Bacalhau.Orchestrator.PublishedResults;
using Bacalhau.Orchestrator.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bacalhau.Orchestrator.Api;

/// <summary>
/// A job's published results, described as Bacalhau describes them to clients: a <c>local</c> result is a
/// <c>urlDownload</c> whose URL is this API's <c>/jobs/{id}/results/{executionId}.tar.gz</c>, so a client fetches it
/// with the credentials it already uses here, whether or not it can reach the node; an <c>ipfs</c> result is its CID,
/// served at <c>/api/v1/ipfs/{cid}</c>; an <c>s3</c> archive is <c>s3PreSigned</c>, with a URL signed by this orchestrator.
/// </summary>
internal static class ResultEndpoints
{
    public static IEndpointRouteBuilder MapResultEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var jobs = endpoints.MapGroup(JobEndpoints.Prefix).WithTags("Jobs").RequirePermission(ApiPermissions.ReadJob);
        jobs.MapGet("/{id}/results", ListResults).ProducesApiErrors(StatusCodes.Status404NotFound);
        jobs.MapGet("/{id}/results/{archive}", GetLocalArchiveAsync)
            .Produces(StatusCodes.Status200OK, contentType: "application/gzip")
            .ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status502BadGateway);
        return endpoints;
    }

    private static async Task<Results<Ok<ListJobResultsResponse>, ApiErrorResult>> ListResults(string id, HttpRequest request, IJobStore store, S3ResultSigner signer, CancellationToken cancellationToken)
    {
        if (JobEndpoints.Find(store, id) is not { } job)
        {
            return JobEndpoints.NotFound(id);
        }

        var items = new List<SpecConfig>();
        // Those of the latest version, as Bacalhau lists them; an archive of an earlier one is still served below.
        foreach (var execution in JobEndpoints.OfVersion(store.GetExecutions(job.ID), e => e.JobVersion, job, null, false).Where(e => Published(e) is not null))
        {
            items.Add(await signer.SignAsync(Describe(execution, request), cancellationToken));
        }

        return TypedResults.Ok(new ListJobResultsResponse { Items = items });
    }

    private static async Task<IResult> GetLocalArchiveAsync(string id, string archive, HttpContext http, IJobStore store, LocalResultFetcher fetcher, CancellationToken cancellationToken)
    {
        if (!archive.EndsWith(ResultArchiveName.Extension, StringComparison.Ordinal) || archive.Length == ResultArchiveName.Extension.Length)
        {
            return ApiErrors.BadRequest($"archive: expected <execution ID>{ResultArchiveName.Extension}");
        }

        if (JobEndpoints.Find(store, id) is not { } job)
        {
            return JobEndpoints.NotFound(id);
        }

        var executionId = archive[..^ResultArchiveName.Extension.Length];
        var execution = store.GetExecutions(job.ID).FirstOrDefault(e => e.ID == executionId);
        if (execution is null || Published(execution) is not { Type: PublisherTypes.Local } published)
        {
            return ApiErrors.NotFound($"job {job.ID} has no local result of execution '{executionId}'");
        }

        if (!LocalResultFetcher.TryLocate(published, out var url, out var sha256, out var problem))
        {
            return ApiErrors.Error($"the result of execution {execution.ID} cannot be fetched: {problem}", StatusCodes.Status502BadGateway);
        }

        FileStream file;
        try
        {
            file = await fetcher.FetchAsync(url, sha256, cancellationToken);
        }
        catch (ResultFetchException ex)
        {
            return ApiErrors.Error($"the result of execution {execution.ID} could not be fetched from node {execution.NodeID}: {ex.Message}", StatusCodes.Status502BadGateway);
        }

        http.Response.RegisterForDisposeAsync(file);
        return Results.File(file, "application/gzip", archive);
    }

    private static SpecConfig? Published(Execution execution) =>
        execution.ComputeState.StateType == ExecutionStateType.Completed ? execution.PublishedResult : null;

    /// <summary>A local result as the <c>urlDownload</c> of its archive through this API, at the address the client used; others as the node reported them.</summary>
    private static SpecConfig Describe(Execution execution, HttpRequest request)
    {
        var published = execution.PublishedResult!;
        if (published.Type != PublisherTypes.Local)
        {
            return published;
        }

        var host = request.Host.HasValue ? request.Host.Value : $"{request.HttpContext.Connection.LocalIpAddress}:{request.HttpContext.Connection.LocalPort}";
        var url = $"{request.Scheme}://{host}{request.PathBase}{JobEndpoints.Prefix}/{Uri.EscapeDataString(execution.JobID)}/results/{Uri.EscapeDataString(execution.ID)}{ResultArchiveName.Extension}";
        return new SpecConfig
        {
            Type = SourceTypes.UrlDownload,
            Params = { ["URL"] = JsonSerializer.SerializeToElement(url, BacalhauJsonContext.Default.String) },
        };
    }
}

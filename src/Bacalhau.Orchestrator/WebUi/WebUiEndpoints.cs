using Bacalhau.Orchestrator.Auth;
using Microsoft.Extensions.Options;

namespace Bacalhau.Orchestrator.WebUi;

/// <summary>
/// The web UI at <c>/</c> (its single page; client routes are in the URL's fragment), its files under <c>/ui/</c>
/// and its settings at <c>/ui/settings.json</c>. The files are open to everyone: they hold nothing secret, and the API
/// they call asks for credentials itself.
/// </summary>
internal static class WebUiEndpoints
{
    // Scripts, styles and API calls from this origin only: no inline script or style, no other site, no framing.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IEndpointRouteBuilder MapWebUi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", (HttpContext http) => Serve(http, "index.html")).WithTags("Web UI").AllowAnonymous().ExcludeFromDescription();
        endpoints.MapGet("/ui/{**path}", (string path, HttpContext http) => Serve(http, path)).WithTags("Web UI").AllowAnonymous().ExcludeFromDescription();
        // Behind the API's credentials, as the data of the pages: the dashboard's address is for the cluster's users.
        endpoints.MapGet("/ui/settings.json", (IOptions<WebUiOptions> options) => Results.Json(new WebUiSettings(options.Value.DashboardUrl), WebUiJsonContext.Default.WebUiSettings))
            .WithTags("Web UI").RequirePermission(ApiPermissions.ReadJob).ExcludeFromDescription();
        return endpoints;
    }

    private static IResult Serve(HttpContext http, string path)
    {
        if (!WebUiAssets.All.TryGetValue(path, out var asset))
        {
            return Results.NotFound();
        }

        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // Revalidated on every load, so a new orchestrator's UI is never mixed with an old one's cached modules; an
        // unchanged file costs a 304.
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        if (http.Request.Headers.IfNoneMatch.Any(tag => tag == asset.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Content, asset.ContentType);
    }
}

using Scalar.AspNetCore;

namespace Bacalhau.Orchestrator.OpenApi;

/// <summary>
/// The reference page's own security headers: the web UI's rules, except that the page's inline start-up script runs
/// by the nonce the page was rendered with, and the bundle, which is not ours, may set inline styles.
/// </summary>
internal static class ApiReferenceHeaders
{
    public static ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        // The nonce is drawn when the page is rendered, after this filter: the header is set as the answer starts.
        http.Response.OnStarting(() =>
        {
            var nonce = http.Items[ScalarOptions.NonceHttpContextItemKey] as string;
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy(nonce);
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            return Task.CompletedTask;
        });
        return next(context);
    }

    private static string ContentSecurityPolicy(string? nonce) =>
        $"default-src 'self'; script-src 'self'{(nonce is null ? "" : $" 'nonce-{nonce}'")}; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
}

namespace Bacalhau.Orchestrator.Cluster;

/// <summary>First of the API's middleware: a request a follower passed on counts as its real client's from here on.</summary>
internal sealed class ForwardedClientMiddleware(RequestDelegate next, ForwardedClient forwarded)
{
    public Task InvokeAsync(HttpContext context)
    {
        forwarded.Apply(context);
        return next(context);
    }
}

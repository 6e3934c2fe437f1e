namespace Bacalhau.Orchestrator.Api;

public static class ApiErrorExtensions
{
    /// <summary>
    /// Every answer names its request (<c>X-Request-ID</c>) and every error is in Bacalhau's shape, never a stack trace;
    /// call it first where the API is served, so that it sees what every later middleware answers or throws.
    /// </summary>
    public static IApplicationBuilder UseApiErrors(this IApplicationBuilder app) => app.UseMiddleware<ApiErrorMiddleware>();
}

using Bacalhau.Orchestrator.Api;
using Bacalhau.Orchestrator.Cluster;
using Microsoft.Extensions.Options;

namespace Bacalhau.Orchestrator.Auth;

public static class ApiAuthExtensions
{
    /// <summary>Binds and validates <c>API.Auth</c>; the credentials, with the generated admin key, are built at start.</summary>
    public static IHostApplicationBuilder AddApiAuth(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(ApiAuthOptions.SectionName);
        builder.Services.AddOptions<ApiAuthOptions>().Bind(section).ValidateOnStart();
        // "API.Auth.AnonymousActions=read:*,write:job" arrives as a single value, a list as children: accept both.
        if (section["AnonymousActions"] is { Length: > 0 } anonymous)
        {
            builder.Services.PostConfigure<ApiAuthOptions>(o => o.AnonymousActions = [.. anonymous.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]);
        }

        builder.Services.AddSingleton<IValidateOptions<ApiAuthOptions>, ApiAuthOptionsValidator>();
        builder.Services.AddSingleton<FailedAuthLimiter>();
        builder.Services.AddSingleton(services => new ApiCredentials(
            services.GetRequiredService<IOptions<ApiAuthOptions>>().Value,
            AdminApiKey.LoadOrCreate(services.GetRequiredService<OrchestratorIdentity>().DataDir, services.GetRequiredService<ILogger<ApiCredentials>>())));
        return builder;
    }

    /// <summary>
    /// Checks every request's credentials against what its endpoint requires; call it where the API is served. The
    /// client of a request another orchestrator of the cluster passed on is the one it proves, for this check and
    /// for the limits after it.
    /// </summary>
    public static IApplicationBuilder UseApiAuth(this IApplicationBuilder app) =>
        app.UseMiddleware<ForwardedClientMiddleware>().UseMiddleware<ApiAuthMiddleware>();

    /// <summary>Callers of these endpoints need <paramref name="permission"/>; others are answered 401 or 403.</summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, ApiPermissions permission) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ApiPermissionRequirement(permission))
            .ProducesApiErrors(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
}

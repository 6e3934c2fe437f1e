using Scalar.AspNetCore;

namespace Bacalhau.Orchestrator.OpenApi;

/// <summary>
/// The API's OpenAPI document at <c>/openapi/v1.json</c>, generated from the endpoints, and an interactive reference
/// at <c>/scalar</c> whose script is served from this assembly. Both are open like the web UI's files: they describe
/// the API, and the calls made from the reference ask for credentials themselves.
/// </summary>
public static class ApiReferenceExtensions
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/" + DocumentName + ".json";
    public const string ReferencePath = "/scalar";

    public static IServiceCollection AddApiReference(this IServiceCollection services) =>
        services
            .ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Add(ApiParameterJsonContext.Default))
            .AddOpenApi(DocumentName, options =>
            {
                options.AddDocumentTransformer<ApiSecurityTransformer>();
                options.AddOperationTransformer<ApiSecurityTransformer>();
            });

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi().AllowAnonymous();
        endpoints.MapScalarApiReference(ReferencePath, options => options
                .WithTitle("Bacalhau.NET API")
                .WithOpenApiRoutePattern(DocumentPath)
                .AddPreferredSecuritySchemes(ApiSecurityTransformer.SchemeName)
                .WithNonce()
                // Nothing from or to other sites: no web fonts, telemetry or hosted assistants.
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp())
            .AllowAnonymous()
            .AddEndpointFilter(ApiReferenceHeaders.FilterAsync);
        return endpoints;
    }
}

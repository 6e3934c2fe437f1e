using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Bacalhau.Orchestrator.OpenApi;

/// <summary>
/// Declares how the API is called: an API key as a bearer token (<see cref="Auth.ApiAuthMiddleware"/>), asked for by every
/// operation that requires a permission, so the reference page offers to send one.
/// </summary>
internal sealed class ApiSecurityTransformer : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public const string SchemeName = "Bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Bacalhau.NET orchestrator API";
        document.Info.Description = "Bacalhau's REST API: jobs, nodes, results and the agent. Send an API key as 'Authorization: Bearer <key>'.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API key of API.Auth.Users, or the admin key the orchestrator keeps in its data directory.",
        };
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        // An endpoint without a requirement of its own needs every permission (ApiAuthMiddleware): only open ones are left out.
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            return Task.CompletedTask;
        }

        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] });
        return Task.CompletedTask;
    }
}

using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Bacalhau.Orchestrator.Tests.Cluster;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Bacalhau.Orchestrator.Tests.OpenApi;

/// <summary>
/// The OpenAPI document and the reference page of an orchestrator whose API needs credentials even from this host: the
/// document holds every route of the API with the real models, and both are served without credentials.
/// </summary>
public sealed partial class ApiReferenceTests(ApiReferenceTests.Bed bed) : IClassFixture<ApiReferenceTests.Bed>
{
    // Routes that are not the API: the web UI, health checks, and the description itself.
    private static readonly string[] NotApi = ["/", "/ui/", "/health", "/alive", "/openapi/", "/scalar"];

    [Fact]
    public async Task Every_route_of_the_api_is_in_the_document_with_each_of_its_methods()
    {
        using var document = await bed.GetDocumentAsync();
        var paths = document.RootElement.GetProperty("paths");

        var routes = bed.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(endpoint => (Path: PathOf(endpoint.RoutePattern), Methods: endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []))
            .Where(route => !NotApi.Any(prefix => prefix == "/" ? route.Path == "/" : route.Path.StartsWith(prefix, StringComparison.Ordinal)))
            .ToList();

        Assert.Contains(routes, route => route.Path == "/api/v1/orchestrator/jobs");
        Assert.True(routes.Count >= 20, $"only {routes.Count} API routes found");
        var missing = routes
            .SelectMany(route => route.Methods.Select(method => (route.Path, Method: method.ToLowerInvariant())))
            .Where(route => !paths.TryGetProperty(route.Path, out var operations) && !paths.TryGetProperty(route.Path + "/", out operations)
                || !operations.TryGetProperty(route.Method, out _))
            .Select(route => $"{route.Method.ToUpperInvariant()} {route.Path}")
            .ToList();
        Assert.True(missing.Count == 0, $"not in the document: {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task The_job_submission_takes_the_real_job_model_and_answers_its_response_and_errors()
    {
        using var document = await bed.GetDocumentAsync();
        var root = document.RootElement;
        var put = Operation(root, "/api/v1/orchestrator/jobs", "put");

        var request = Resolve(root, put.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        var job = Resolve(root, request.GetProperty("properties").GetProperty("Job"));
        var fields = job.GetProperty("properties");
        foreach (var field in new[] { "ID", "Name", "Type", "Count", "Tasks", "Labels", "Constraints" })
        {
            Assert.True(fields.TryGetProperty(field, out _), $"Job has no {field}");
        }

        var task = Resolve(root, fields.GetProperty("Tasks").GetProperty("items"));
        Assert.True(task.GetProperty("properties").TryGetProperty("Engine", out _));

        var responses = put.GetProperty("responses");
        var ok = Resolve(root, responses.GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.True(ok.GetProperty("properties").TryGetProperty("JobID", out _));
        foreach (var code in new[] { "400", "401", "403", "413", "429", "503" })
        {
            var error = Resolve(root, responses.GetProperty(code).GetProperty("content").GetProperty("application/json").GetProperty("schema"));
            foreach (var field in new[] { "Status", "Message", "RequestID", "Code", "Component", "Hint" })
            {
                Assert.True(error.GetProperty("properties").TryGetProperty(field, out _), $"{code} is not an API error: it has no {field}");
            }
        }

        // A call that needs credentials says so; the open ones do not.
        Assert.Equal("bearer", root.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());
        Assert.True(put.TryGetProperty("security", out _));
        Assert.False(Operation(root, "/api/v1/agent/version", "get").TryGetProperty("security", out _));
    }

    [Fact]
    public async Task The_document_and_reference_page_are_open_and_the_page_runs_only_this_origins_script_by_its_nonce()
    {
        using var api = await bed.Http.GetAsync(new Uri("/api/v1/orchestrator/jobs", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);

        using var page = await bed.Http.GetAsync(new Uri("/scalar/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.StartsWith("default-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", policy, StringComparison.Ordinal);

        // Every script runs by the nonce the header names, and none comes from another site.
        var nonce = NonceInPolicy().Match(policy).Groups[1].Value;
        Assert.NotEmpty(nonce);
        var scripts = ScriptTag().Matches(html).Select(m => m.Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, script => Assert.Contains($"nonce=\"{nonce}\"", script, StringComparison.Ordinal));
        Assert.DoesNotMatch(ExternalUrl(), html);

        // The script it loads is served from this assembly.
        var sources = ScriptSource().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(sources);
        foreach (var source in sources)
        {
            using var script = await bed.Http.GetAsync(new Uri(new Uri(bed.Http.BaseAddress!, "/scalar/"), source));
            Assert.True(script.StatusCode == HttpStatusCode.OK, $"{source}: {script.StatusCode}");
        }
    }

    private static string PathOf(RoutePattern pattern) => "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
    {
        RoutePatternLiteralPart literal => literal.Content,
        RoutePatternParameterPart parameter => $"{{{parameter.Name}}}",
        _ => "",
    }))));

    private static JsonElement Operation(JsonElement document, string path, string method)
    {
        var paths = document.GetProperty("paths");
        return (paths.TryGetProperty(path, out var operations) ? operations : paths.GetProperty(path + "/")).GetProperty(method);
    }

    /// <summary>
    /// The schema a <c>$ref</c> names (<c>#/components/schemas/Job</c>), also as the other choice than null of a
    /// nullable property (<c>oneOf</c>), or the schema itself.
    /// </summary>
    private static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        if (schema.TryGetProperty("oneOf", out var choices))
        {
            schema = choices.EnumerateArray().Single(choice => choice.TryGetProperty("$ref", out _));
        }

        return schema.TryGetProperty("$ref", out var reference)
            ? document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!["#/components/schemas/".Length..])
            : schema;
    }

    [GeneratedRegex(@"script-src [^;]*'nonce-([^']+)'")]
    private static partial Regex NonceInPolicy();

    [GeneratedRegex(@"<script\b[^>]*>")]
    private static partial Regex ScriptTag();

    [GeneratedRegex(@"<script\b[^>]*\bsrc=""([^""]+)""")]
    private static partial Regex ScriptSource();

    [GeneratedRegex(@"(src|href)=""(https?:)?//")]
    private static partial Regex ExternalUrl();

    /// <summary>The orchestrator, its JSON metadata from the generated contexts only.</summary>
    public sealed class Bed : SecuredOrchestratorBed
    {
        /// <summary>
        /// JSON metadata from the generated contexts only, as in the native CLI, which has no reflection: the document
        /// is generated here as it is there.
        /// </summary>
        protected override void Configure(IServiceCollection services) =>
            services.PostConfigure<JsonOptions>(json =>
            {
                foreach (var reflection in json.SerializerOptions.TypeInfoResolverChain.OfType<DefaultJsonTypeInfoResolver>().ToList())
                {
                    json.SerializerOptions.TypeInfoResolverChain.Remove(reflection);
                }
            });

        public async Task<JsonDocument> GetDocumentAsync()
        {
            using var response = await Http.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        }
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Orchestrator.Tests.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bacalhau.Orchestrator.Tests.Api;

/// <summary>
/// Every error answer of a whole orchestrator, whatever gave it (an endpoint, the body limit, the credentials check,
/// routing, an exception), is Bacalhau's error body, whose RequestID is the one of the X-Request-ID header.
/// </summary>
public sealed class ApiErrorTests(ApiErrorTests.Bed bed) : IClassFixture<ApiErrorTests.Bed>
{
    private const string WriterKey = "writer-key-0123456789abcdef";
    private const string ReaderKey = "reader-key-0123456789abcdef";

    [Fact]
    public async Task A_spec_error_is_400_naming_the_field()
    {
        var error = await SendAsync(HttpMethod.Put, "/api/v1/orchestrator/jobs", WriterKey, """{"Job":{"Count":-1,"Tasks":[{"Engine":{"Type":"noop"}}]}}""");

        AssertError(error, HttpStatusCode.BadRequest, "BadRequest", "APIServer");
        Assert.StartsWith("Count:", error.Body.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_query_value_not_of_its_type_is_400_pointing_at_the_api_reference()
    {
        var error = await SendAsync(HttpMethod.Get, "/api/v1/orchestrator/jobs?limit=many", ReaderKey);

        AssertError(error, HttpStatusCode.BadRequest, "BadRequest", "APIServer");
        Assert.Equal("GET /api/v1/orchestrator/jobs: a query or route value is not of the type this route takes", error.Body.Message);
        Assert.Contains("/scalar", error.Body.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_job_is_404_from_the_job_store_with_a_hint()
    {
        var error = await SendAsync(HttpMethod.Get, "/api/v1/orchestrator/jobs/no-such-job", ReaderKey);

        AssertError(error, HttpStatusCode.NotFound, "NotFound", "JobStore");
        Assert.Equal("job 'no-such-job' not found", error.Body.Message);
        Assert.Equal("`bacalhau job list` lists the jobs", error.Body.Hint);
    }

    [Fact]
    public async Task No_credentials_are_401_and_a_mistyped_key_401_with_a_hint()
    {
        var missing = await SendAsync(HttpMethod.Get, "/api/v1/orchestrator/jobs", key: null);
        var invalid = await SendAsync(HttpMethod.Get, "/api/v1/orchestrator/jobs", "not-a-key-of-this-orchestrator");

        AssertError(missing, HttpStatusCode.Unauthorized, "Unauthorized", "Authorizer");
        Assert.StartsWith("authentication required", missing.Body.Message, StringComparison.Ordinal);
        AssertError(invalid, HttpStatusCode.Unauthorized, "Unauthorized", "Authorizer");
        Assert.Equal("invalid API key or username and password", invalid.Body.Message);
        Assert.Contains("BACALHAU_API_KEY", invalid.Body.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_without_the_capability_is_403()
    {
        var error = await SendAsync(HttpMethod.Put, "/api/v1/orchestrator/nodes/some-node", ReaderKey, """{"Action":"approve"}""");

        AssertError(error, HttpStatusCode.Forbidden, "Forbidden", "Authorizer");
        Assert.Contains("write:node", error.Body.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_with_a_hint()
    {
        var error = await SendAsync(HttpMethod.Put, "/api/v1/orchestrator/jobs", WriterKey, $$$"""{"Job":{"Name":"{{{new string('n', Bed.BodyLimit)}}}"}}""");

        AssertError(error, HttpStatusCode.RequestEntityTooLarge, "BadRequest", "APIServer");
        Assert.Equal($"request body: Request body too large. The max request body size is {Bed.BodyLimit} bytes.", error.Body.Message);
        Assert.Contains("API.MaxRequestBodySize", error.Body.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_route_under_the_api_is_404_with_a_hint()
    {
        var error = await SendAsync(HttpMethod.Get, "/api/v1/orchestrator/no-such-route", key: null);

        AssertError(error, HttpStatusCode.NotFound, "NotFound", "APIServer");
        Assert.Equal("GET /api/v1/orchestrator/no-such-route: no such route", error.Body.Message);
        Assert.Contains("bacalhau version", error.Body.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_method_a_route_does_not_take_is_405_naming_those_it_takes()
    {
        var error = await SendAsync(HttpMethod.Delete, "/api/v1/agent/version", WriterKey);

        AssertError(error, HttpStatusCode.MethodNotAllowed, "BadRequest", "APIServer");
        Assert.Equal("DELETE /api/v1/agent/version: method not allowed", error.Body.Message);
        Assert.Equal("this route takes GET", error.Body.Hint);
    }

    [Theory]
    [InlineData("POST", "list", "GET /api/v1/orchestrator/jobs")]
    [InlineData("GET", "nodes", "GET /api/v1/orchestrator/nodes")]
    [InlineData("POST", "states", "GET /api/v1/orchestrator/jobs/{id}")]
    [InlineData("POST", "results", "GET /api/v1/orchestrator/jobs/{id}/results")]
    [InlineData("POST", "events", "GET /api/v1/orchestrator/jobs/{id}/history")]
    [InlineData("POST", "submit", "PUT /api/v1/orchestrator/jobs")]
    [InlineData("POST", "cancel", "DELETE /api/v1/orchestrator/jobs/{id}")]
    [InlineData("POST", "debug", "GET /api/v1/orchestrator/jobs/{id}/executions")]
    [InlineData("GET", "websocket/events", "GET /api/v1/orchestrator/jobs/{id}/history")]
    public async Task A_requester_route_bacalhau_removed_is_410_to_anyone_naming_its_replacement(string method, string path, string instead)
    {
        var error = await SendAsync(new HttpMethod(method), $"/api/v1/requester/{path}", key: null, method == "POST" ? "{}" : null);

        AssertError(error, HttpStatusCode.Gone, "NotFound", "APIServer");
        Assert.Equal($"/api/v1/requester/{path} was removed in Bacalhau v1.5", error.Body.Message);
        Assert.StartsWith($"use {instead}; see https://docs.bacalhau.org/", error.Body.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_run_route_of_the_seeds_is_not_gone()
    {
        var error = await SendAsync(HttpMethod.Post, "/api/v1/run", WriterKey, """{"Engine":"NoSuchEngine","Verifier":"Noop"}""");

        AssertError(error, HttpStatusCode.BadRequest, "BadRequest", "APIServer");
        Assert.StartsWith("Engine: unknown engine 'NoSuchEngine'", error.Body.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_exception_is_500_without_its_details_which_the_log_keeps_under_the_request_id()
    {
        var error = await SendAsync(HttpMethod.Get, Bed.FailingRoute, key: null);

        AssertError(error, HttpStatusCode.InternalServerError, "InternalError", "APIServer");
        Assert.Equal("internal server error", error.Body.Message);
        Assert.DoesNotContain(Bed.Secret, error.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", error.Text, StringComparison.Ordinal);
        var logged = Assert.Single(bed.Log.Entries, entry => entry.Exception?.Message == Bed.Secret);
        Assert.Equal(error.Body.RequestID, logged.RequestId);
    }

    private static void AssertError(Answer error, HttpStatusCode status, string code, string component)
    {
        Assert.Equal(status, error.Status);
        Assert.Equal((int)status, error.Body.Status);
        Assert.Equal(code, error.Body.Code);
        Assert.Equal(component, error.Body.Component);
        Assert.False(string.IsNullOrEmpty(error.Body.RequestID));
        Assert.Equal(error.Body.RequestID, error.RequestIdHeader);
    }

    private async Task<Answer> SendAsync(HttpMethod method, string path, string? key, string? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await bed.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = System.Text.Json.JsonSerializer.Deserialize(text, BacalhauJsonContext.Default.ApiError)!;
        return new(response.StatusCode, error, text, response.Headers.TryGetValues("X-Request-ID", out var ids) ? ids.Single() : null);
    }

    private sealed record Answer(HttpStatusCode Status, ApiError Body, string Text, string? RequestIdHeader);

    /// <summary>An orchestrator with a writer and a reader, a small body limit, a route that throws, and its log kept.</summary>
    public sealed class Bed : SecuredOrchestratorBed
    {
        public const int BodyLimit = 64 * 1024;
        public const string FailingRoute = "/api/v1/test/fails";
        public const string Secret = "a detail only the log may hold";

        public CapturedLog Log { get; } = new();

        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["API:MaxRequestBodySize"] = $"{BodyLimit}",
            ["API:Auth:Users:0:Alias"] = "writer",
            ["API:Auth:Users:0:APIKey"] = WriterKey,
            ["API:Auth:Users:0:Capabilities:0:Actions:0"] = "*",
            ["API:Auth:Users:1:Alias"] = "reader",
            ["API:Auth:Users:1:APIKey"] = ReaderKey,
            ["API:Auth:Users:1:Capabilities:0:Actions:0"] = "read:*",
        };

        protected override void Configure(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Log);

        protected override void Map(WebApplication app) =>
            app.MapGet(FailingRoute, string () => throw new InvalidOperationException(Secret)).AllowAnonymous();
    }

    /// <summary>The orchestrator's log entries, each with the <c>RequestId</c> of its request's scope.</summary>
    public sealed class CapturedLog : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ConcurrentQueue<(Exception? Exception, string? RequestId)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(CapturedLog log) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => log._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                string? requestId = null;
                log._scopes.ForEachScope(
                    (scope, _) =>
                    {
                        if (scope is IEnumerable<KeyValuePair<string, object?>> values && values.FirstOrDefault(v => v.Key == "RequestId").Value is string id)
                        {
                            requestId = id;
                        }
                    },
                    (object?)null);
                log.Entries.Enqueue((exception, requestId));
            }
        }
    }
}

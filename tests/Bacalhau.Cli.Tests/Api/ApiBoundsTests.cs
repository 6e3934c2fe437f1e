using System.Net;
using System.Text;
using System.Text.Json;
using Bacalhau.Cli.Tests.Infrastructure;

namespace Bacalhau.Cli.Tests.Api;

/// <summary>An orchestrator whose body limit lets a 2 MB field reach the spec's own bounds.</summary>
public sealed class LargeBodyOrchestrator : ServedOrchestrator
{
    public const int BodyLimit = 4 * 1024 * 1024;

    protected override string[] Arguments => [$"--API.MaxRequestBodySize={BodyLimit}"];
}

/// <summary>
/// One request must not exhaust the orchestrator or wedge a node's stream: what is too large or malformed is refused
/// at the API, naming the field, before anything is queued.
/// </summary>
public sealed class ApiBoundsTests(LargeBodyOrchestrator orchestrator) : IClassFixture<LargeBodyOrchestrator>
{
    private const string Jobs = "api/v1/orchestrator/jobs";

    [Fact]
    public async Task A_count_of_a_billion_is_refused_naming_the_field_and_nothing_is_queued()
    {
        var before = await JobCountAsync();

        var (status, message) = await PutJobAsync("""{"Job":{"Count":1000000000,"Tasks":[{"Engine":{"Type":"noop"}}]}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Count: at most 1000 executions per job are allowed here, got 1000000000", message);
        Assert.Equal(before, await JobCountAsync());
    }

    [Fact]
    public async Task A_name_of_2_MB_is_refused_naming_the_field()
    {
        var name = new string('n', 2 * 1024 * 1024);

        var (status, message) = await PutJobAsync($$$"""{"Job":{"Name":"{{{name}}}","Tasks":[{"Engine":{"Type":"noop"}}]}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Name: longer than 256 characters (got 2097152)", message);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413()
    {
        var name = new string('n', LargeBodyOrchestrator.BodyLimit);

        var (status, message) = await PutJobAsync($$$"""{"Job":{"Name":"{{{name}}}","Tasks":[{"Engine":{"Type":"noop"}}]}}""");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal($"request body: Request body too large. The max request body size is {LargeBodyOrchestrator.BodyLimit} bytes.", message);
    }

    [Fact]
    public async Task A_job_whose_message_to_a_node_would_exceed_the_nats_max_payload_is_refused_and_never_queued()
    {
        // Each field is within its own bound, but '<' is written out as \u003C: some 1.4 MB in the AskForBid message.
        var script = new string('<', 60_000);
        var parameters = string.Join(',', "ABCD".Select(name => $"\"{name}\":\"{script}\""));
        var spec = """{"Job":{"Tasks":[{"Engine":{"Type":"noop","Params":{""" + parameters + "}}}]}}";
        var before = await JobCountAsync();

        var (status, message) = await PutJobAsync(spec);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("Job: ", message, StringComparison.Ordinal);
        Assert.Contains("max payload of 1048576", message, StringComparison.Ordinal);
        Assert.Equal(before, await JobCountAsync());
    }

    [Fact]
    public async Task An_unknown_engine_name_of_70000_characters_is_quoted_back_only_in_part()
    {
        var engine = new string('x', 70_000);
        using var content = new StringContent($$"""{"Engine":"{{engine}}","Verifier":"Noop"}""", Encoding.UTF8, "application/json");

        using var response = await orchestrator.Http.PostAsync("api/v1/run", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = await MessageAsync(response) ?? "";
        Assert.StartsWith($"Engine: unknown engine '{engine[..64]}...'; supported engines: Docker, Noop, Wasm", message, StringComparison.Ordinal);
        Assert.True(message.Length < 1000, $"the answer quotes {message.Length} characters");
    }

    [Theory]
    [InlineData("PUT", Jobs, """{"Job":{"Name":"a#b","Tasks":[{"Engine":{"Type":"noop"}}]}}""")]
    [InlineData("POST", "api/v1/run", """{"Engine":"Noop","Verifier":"Noop","Annotations":["a#b"]}""")]
    [InlineData("PUT", "api/v1/orchestrator/nodes/some-node", """{"Action":"approve","Message":"a#b"}""")]
    public async Task Invalid_utf8_in_a_json_string_is_refused_with_400(string method, string path, string body)
    {
        // '#' stands for two bytes that are not UTF-8.
        var bytes = Encoding.UTF8.GetBytes(body).SelectMany(b => b == (byte)'#' ? new byte[] { 0xFF, 0xFE } : [b]).ToArray();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");

        using var response = await orchestrator.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("request body is not valid UTF-8", await MessageAsync(response));
    }

    [Fact]
    public async Task Updating_an_unknown_node_answers_404()
    {
        using var response = await orchestrator.Http.PutAsync("api/v1/orchestrator/nodes/no-such-node", new StringContent("""{"Action":"approve"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("node 'no-such-node' not found", error.RootElement.GetProperty("Message").GetString());
        Assert.Equal(404, error.RootElement.GetProperty("Status").GetInt32());
        Assert.Equal("NotFound", error.RootElement.GetProperty("Code").GetString());
        Assert.Equal("NodesManager", error.RootElement.GetProperty("Component").GetString());
    }

    [Fact]
    public async Task An_unknown_node_action_is_refused_naming_the_field()
    {
        using var response = await orchestrator.Http.PutAsync("api/v1/orchestrator/nodes/no-such-node", new StringContent("""{"Action":"promote"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Action: 'promote' is not one of approve, reject, delete", await MessageAsync(response));
    }

    [Fact]
    public async Task Submissions_from_loopback_are_not_rate_limited_by_default()
    {
        var statuses = await Task.WhenAll(Enumerable.Range(0, 150).Select(async _ =>
            (await PutJobAsync("""{"Job":{"Tasks":[{"Engine":{"Type":"noop"}}]}}""")).Status));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
    }

    private async Task<(HttpStatusCode Status, string? Message)> PutJobAsync(string body)
    {
        using var response = await orchestrator.Http.PutAsync(Jobs, new StringContent(body, Encoding.UTF8, "application/json"));
        return (response.StatusCode, response.IsSuccessStatusCode ? null : await MessageAsync(response));
    }

    private async Task<int> JobCountAsync()
    {
        using var list = JsonDocument.Parse(await orchestrator.Http.GetStringAsync($"{Jobs}?limit=1000"));
        return list.RootElement.GetProperty("Items").GetArrayLength();
    }

    internal static async Task<string?> MessageAsync(HttpResponseMessage response)
    {
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return error.RootElement.GetProperty("Message").GetString();
    }

    /// <summary>The error's <c>Code</c> and <c>Component</c>: what kind of error, and which part of the server gave it.</summary>
    internal static async Task<(string? Code, string? Component)> KindAsync(HttpResponseMessage response)
    {
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (error.RootElement.GetProperty("Code").GetString(), error.RootElement.GetProperty("Component").GetString());
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Bacalhau.Client.Tests;

public sealed class BacalhauClientTests
{
    [Fact]
    public async Task A_job_spec_is_sent_unchanged_inside_the_put_request()
    {
        var handler = new RecordingHandler(HttpStatusCode.OK, """{"JobID":"j-1","EvaluationID":"e-1","Warnings":["w"]}""");
        var client = new BacalhauClient(new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:1234") });
        using var spec = JsonDocument.Parse("""{"Type":"batch","Tasks":[{"Name":"main","Unknown":{"x":1}}]}""");

        var response = await client.PutJobAsync(spec.RootElement);

        Assert.Equal(("j-1", "e-1"), (response.JobID, response.EvaluationID));
        Assert.Equal(HttpMethod.Put, handler.Method);
        Assert.Equal("/api/v1/orchestrator/jobs", handler.Path);
        using var body = JsonDocument.Parse(handler.Body!);
        Assert.False(body.RootElement.GetProperty("Force").GetBoolean());
        Assert.Equal(1, body.RootElement.GetProperty("Job").GetProperty("Tasks")[0].GetProperty("Unknown").GetProperty("x").GetInt32());
    }

    [Fact]
    public async Task Queries_are_escaped_and_left_out_when_unset()
    {
        var handler = new RecordingHandler(HttpStatusCode.OK, """{"EvaluationID":"e"}""");
        var client = new BacalhauClient(new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:1234") });

        await client.StopJobAsync("j 1", "no longer needed");
        Assert.Equal("/api/v1/orchestrator/jobs/j%201?reason=no%20longer%20needed", handler.PathAndQuery);

        handler.Reply = """{"Items":[]}""";
        await client.ListJobsAsync();
        Assert.Equal("/api/v1/orchestrator/jobs", handler.PathAndQuery);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "job 'x' not found", "`bacalhau job list` lists the jobs")]
    // A follower orchestrator that cannot pass the request on to a leader.
    [InlineData(HttpStatusCode.ServiceUnavailable, "no leader elected yet: this orchestrator is a follower and cannot take the request; retry shortly", null)]
    public async Task An_error_answer_carries_the_servers_message_hint_and_status(HttpStatusCode status, string message, string? hint)
    {
        var sent = new Contracts.Api.ApiError { Status = (int)status, Message = message, RequestID = "r-1", Code = Contracts.Api.ApiErrorCodes.ForStatus((int)status), Component = "APIServer", Hint = hint };
        var body = JsonSerializer.Serialize(sent, Contracts.Serialization.BacalhauJsonContext.Default.ApiError);
        var handler = new RecordingHandler(status, body);
        var client = new BacalhauClient(new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:1234") });

        var error = await Assert.ThrowsAsync<BacalhauApiException>(() => client.GetJobAsync("x"));

        Assert.Equal(message, error.Message);
        Assert.Equal(hint, error.Hint);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal(sent, error.Error);
    }

    [Fact]
    public async Task An_error_without_a_body_names_the_request_and_status()
    {
        var client = new BacalhauClient(new HttpClient(new RecordingHandler(HttpStatusCode.MethodNotAllowed, "")) { BaseAddress = new Uri("http://127.0.0.1:1234") });

        var error = await Assert.ThrowsAsync<BacalhauApiException>(() => client.ListJobsAsync());

        Assert.Equal("GET /api/v1/orchestrator/jobs: 405 Method Not Allowed", error.Message);
    }

    [Fact]
    public async Task A_closed_port_says_to_start_the_orchestrator()
    {
        var port = FreePort();
        var client = BacalhauClient.Create(new Uri($"http://127.0.0.1:{port}"));

        var error = await Assert.ThrowsAsync<OrchestratorUnreachableException>(() => client.ListNodesAsync());

        Assert.Equal($"cannot reach the orchestrator at http://127.0.0.1:{port}: is `bacalhau serve` running?", error.Message);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class RecordingHandler(HttpStatusCode status, string reply) : HttpMessageHandler
    {
        public string Reply { get; set; } = reply;

        public HttpMethod? Method { get; private set; }

        public string? Path { get; private set; }

        public string? PathAndQuery { get; private set; }

        public string? Body { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Method = request.Method;
            Path = request.RequestUri!.AbsolutePath;
            PathAndQuery = request.RequestUri.PathAndQuery;
            Body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            return new HttpResponseMessage(status)
            {
                Content = new StringContent(Reply, Encoding.UTF8, "application/json"),
                RequestMessage = request,
            };
        }
    }
}

using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Bacalhau.Client;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Protocol;
using Bacalhau.IntegrationTests.Executors;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.IntegrationTests.Jobs;

/// <summary>
/// The logs route as Bacalhau's clients read it: a WebSocket upgrade streaming <c>{"value":{"Type":1,"Line":"...\n"}}</c>
/// messages and closing normally at the end, <c>tail</c> and <c>follow</c> on it and on server-sent events alike.
/// </summary>
[Collection(DockerCluster.Name)]
public sealed class JobLogWebSocketTests(DockerClusterFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_WebSocket_reads_a_finished_jobs_lines_as_Bacalhau_frames_then_a_normal_closure()
    {
        var jobId = await RunToCompletionAsync("echo one; echo two; echo oops >&2; echo three");

        var (frames, close) = await ReadFramesAsync($"{jobId}/logs");

        Assert.Equal(WebSocketCloseStatus.NormalClosure, close);
        Assert.Equal(
            ["{\"value\":{\"Type\":1,\"Line\":\"one\\n\"}}", "{\"value\":{\"Type\":1,\"Line\":\"two\\n\"}}", "{\"value\":{\"Type\":1,\"Line\":\"three\\n\"}}"],
            frames.Where(f => f.Contains("\"Type\":1", StringComparison.Ordinal)));
        Assert.Equal(["{\"value\":{\"Type\":2,\"Line\":\"oops\\n\"}}"], frames.Where(f => f.Contains("\"Type\":2", StringComparison.Ordinal)));
        Assert.Equal(4, frames.Count);
    }

    [Fact]
    public async Task Following_a_running_job_over_a_WebSocket_streams_its_lines_live_until_it_ends()
    {
        await fixture.Cluster.WaitForReplicasAsync();
        var submitted = await fixture.Cluster.SubmitAsync(DockerJobTests.ShellJob("i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done"));
        await fixture.Cluster.WaitForJobAsync(submitted.JobID, JobStateType.Running, Timeout);
        using var timeout = new CancellationTokenSource(Timeout);
        using var socket = await ConnectAsync($"{submitted.JobID}/logs?follow=true", timeout.Token);

        // Three lines while the job still runs: it prints until it is stopped.
        var lines = new List<string>();
        while (lines.Count < 3)
        {
            lines.Add(Line(await ReceiveAsync(socket, timeout.Token) ?? throw new InvalidOperationException("the stream closed while the job ran")));
        }

        Assert.Equal(JobStateType.Running, (await fixture.Cluster.GetJobAsync(submitted.JobID)).Job.State.StateType);
        await new BacalhauClient(fixture.Cluster.Api).StopJobAsync(submitted.JobID, cancellationToken: timeout.Token);
        while (await ReceiveAsync(socket, timeout.Token) is { } frame)
        {
            lines.Add(Line(frame));
        }

        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        Assert.Equal(Enumerable.Range(1, lines.Count).Select(i => $"tick {i}\n"), lines);
    }

    [Fact]
    public async Task Tail_2_gives_the_last_two_lines_over_a_WebSocket_and_over_server_sent_events()
    {
        var jobId = await RunToCompletionAsync("i=1; while [ $i -le 10 ]; do echo line $i; i=$((i+1)); done");

        var (frames, close) = await ReadFramesAsync($"{jobId}/logs?tail=2");
        var events = new List<ExecutionLogLine>();
        await foreach (var line in new BacalhauClient(fixture.Cluster.Api).StreamLogsAsync(jobId, tail: 2))
        {
            events.Add(line);
        }

        Assert.Equal(WebSocketCloseStatus.NormalClosure, close);
        Assert.Equal(["line 9\n", "line 10\n"], frames.Select(Line));
        Assert.Equal(["line 9", "line 10"], events.Select(l => l.Line));
        Assert.All(events, l => Assert.Equal(ExecutionLogType.Stdout, l.Type));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("100001")]
    public async Task A_bad_tail_is_refused_with_a_400_naming_it_before_any_upgrade(string tail)
    {
        var jobId = await RunToCompletionAsync("echo hello");

        using var response = await fixture.Cluster.Api.GetAsync($"/api/v1/orchestrator/jobs/{jobId}/logs?tail={tail}");
        using var socket = new ClientWebSocket { Options = { CollectHttpResponseDetails = true } };
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(Uri($"{jobId}/logs?tail={tail}"), CancellationToken.None));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith($"tail: '{tail}'", error.RootElement.GetProperty("Message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
    }

    [Fact]
    public async Task An_unknown_job_is_said_over_the_WebSocket_as_Bacalhau_does_then_closed_normally()
    {
        var (frames, close) = await ReadFramesAsync("j-no-such-job/logs");

        Assert.Equal(["{\"error\":\"job 'j-no-such-job' not found\",\"value\":{\"Type\":0,\"Line\":\"\"}}"], frames);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, close);
    }

    [Fact]
    public async Task A_page_of_another_origin_may_not_open_the_WebSocket()
    {
        var jobId = await RunToCompletionAsync("echo secret");
        using var socket = new ClientWebSocket { Options = { CollectHttpResponseDetails = true } };
        socket.Options.SetRequestHeader("Origin", "http://elsewhere.example");

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(Uri($"{jobId}/logs"), CancellationToken.None));

        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
    }

    private async Task<string> RunToCompletionAsync(string script)
    {
        await fixture.Cluster.WaitForReplicasAsync();
        var submitted = await fixture.Cluster.SubmitAsync(DockerJobTests.ShellJob(script));
        await fixture.Cluster.WaitForJobAsync(submitted.JobID, JobStateType.Completed, Timeout);
        return submitted.JobID;
    }

    private Uri Uri(string route) => new($"ws://{fixture.Cluster.Api.BaseAddress!.Authority}/api/v1/orchestrator/jobs/{route}");

    private async Task<ClientWebSocket> ConnectAsync(string route, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(Uri(route), cancellationToken);
        return socket;
    }

    /// <summary>Every message until the server closes, and how it closed.</summary>
    private async Task<(List<string> Frames, WebSocketCloseStatus? Close)> ReadFramesAsync(string route)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        using var socket = await ConnectAsync(route, timeout.Token);
        var frames = new List<string>();
        while (await ReceiveAsync(socket, timeout.Token) is { } frame)
        {
            frames.Add(frame);
        }

        return (frames, socket.CloseStatus);
    }

    /// <summary>The next text message; null once the server closed (and our close answered it).</summary>
    private static async Task<string?> ReceiveAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, cancellationToken);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        if (result.MessageType == WebSocketMessageType.Close)
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cancellationToken);
            return null;
        }

        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        return Encoding.UTF8.GetString(message.ToArray());
    }

    /// <summary>The line of a frame, which must carry no error.</summary>
    private static string Line(string frame)
    {
        using var document = JsonDocument.Parse(frame);
        Assert.False(document.RootElement.TryGetProperty("error", out var error), $"error frame: {error}");
        return document.RootElement.GetProperty("value").GetProperty("Line").GetString()!;
    }
}

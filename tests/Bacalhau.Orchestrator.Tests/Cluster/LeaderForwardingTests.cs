using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Orchestrator.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace Bacalhau.Orchestrator.Tests.Cluster;

/// <summary>Two real orchestrators on one nats-server: what a client sends the follower that only the leader may answer.</summary>
public sealed class LeaderForwardingTests(ForwardingBed bed) : IClassFixture<ForwardingBed>, IDisposable
{
    private const string NoopJob = """{"Job":{"Type":"batch","Count":1,"Tasks":[{"Name":"main","Engine":{"Type":"noop"}}]}}""";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private readonly HttpClient _leader = new() { BaseAddress = new Uri(bed.Leader.Url), Timeout = Timeout };
    private readonly HttpClient _follower = new() { BaseAddress = new Uri(bed.Follower.Url), Timeout = Timeout };

    public void Dispose()
    {
        _leader.Dispose();
        _follower.Dispose();
        // Whatever a test sent, the follower passed it on without touching what only the leader runs.
        Assert.Empty(bed.ResolvedOnFollowers);
    }

    [Fact]
    public async Task A_job_put_on_the_follower_is_submitted_on_the_leader_and_job_reads_stay_on_the_follower()
    {
        var submitted = await SubmitAsync(_follower);

        using var onLeader = await _leader.GetAsync($"/api/v1/orchestrator/jobs/{submitted.JobID}");
        Assert.Equal(HttpStatusCode.OK, onLeader.StatusCode);
        Assert.Equal(submitted.JobID, (await onLeader.Content.ReadFromJsonAsync(BacalhauJsonContext.Default.GetJobResponse))!.Job.ID);

        // Reads are answered from the follower's own store, which in this bed is not replicated.
        using var onFollower = await _follower.GetAsync($"/api/v1/orchestrator/jobs/{submitted.JobID}");
        Assert.Equal(HttpStatusCode.NotFound, onFollower.StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_by_the_follower_as_the_leader_would()
    {
        var oversized = new string(' ', 2 * 1024 * 1024) + NoopJob;

        using var response = await _follower.PutAsync("/api/v1/orchestrator/jobs", new StringContent(oversized, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("max request body size", (await response.Content.ReadFromJsonAsync(BacalhauJsonContext.Default.ApiError))!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stop_sent_to_the_follower_stops_the_job_on_the_leader()
    {
        var submitted = await SubmitAsync(_leader);

        using var stop = await _follower.DeleteAsync($"/api/v1/orchestrator/jobs/{submitted.JobID}?reason=enough");

        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        Assert.NotEmpty((await stop.Content.ReadFromJsonAsync(BacalhauJsonContext.Default.StopJobResponse))!.EvaluationID);
        var job = await WaitForStateAsync(_leader, submitted.JobID, JobStateType.Stopped);
        Assert.Contains("enough", job.State.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_actions_and_the_node_list_sent_to_the_follower_are_answered_by_the_leader_which_lists_itself_as_leader()
    {
        using var action = await _follower.PutAsync("/api/v1/orchestrator/nodes/no-such-node", new StringContent("""{"Action":"approve"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, action.StatusCode);
        Assert.Equal("node 'no-such-node' not found", (await action.Content.ReadFromJsonAsync(BacalhauJsonContext.Default.ApiError))!.Message);

        var leaderId = bed.Leader.Services.GetRequiredService<IClusterLeadership>().Leader!.NodeId;
        var nodes = (await _follower.GetFromJsonAsync("/api/v1/orchestrator/nodes", BacalhauJsonContext.Default.ListNodesResponse))!.Nodes;
        var leader = Assert.Single(nodes, n => n.Info.NodeType == NodeType.Requester);
        Assert.Equal((leaderId, "leader", NodeConnectionStatus.Connected), (leader.Info.NodeID, leader.Info.ClusterRole, leader.ConnectionState.Status));
        var described = await _follower.GetFromJsonAsync($"/api/v1/orchestrator/nodes/{leaderId}", BacalhauJsonContext.Default.GetNodeResponse);
        Assert.Equal("leader", described!.Node.Info.ClusterRole);

        // Each orchestrator describes itself with its own role.
        Assert.Equal("leader", (await _leader.GetFromJsonAsync("/api/v1/agent/node", BacalhauJsonContext.Default.NodeInfo))!.ClusterRole);
        Assert.Equal("follower", (await _follower.GetFromJsonAsync("/api/v1/agent/node", BacalhauJsonContext.Default.NodeInfo))!.ClusterRole);
    }

    [Fact]
    public async Task A_stream_from_the_leader_reaches_the_client_through_the_follower_as_it_is_written()
    {
        using var response = await _follower.GetAsync(ForwardingBed.StreamPath, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        // The leader holds its second event back until the first has come through: nothing is buffered on the way.
        Assert.Equal("data: first", await reader.ReadLineAsync().WaitAsync(Timeout));
        bed.ReleaseStream.TrySetResult();
        Assert.Equal("", await reader.ReadLineAsync().WaitAsync(Timeout));
        Assert.Equal("data: second", await reader.ReadLineAsync().WaitAsync(Timeout));
    }

    [Fact]
    public async Task The_leader_counts_a_forwarded_request_under_its_clients_address()
    {
        using var first = OrchestratorHost.ClientFrom(bed.Follower.Url, IPAddress.Parse("127.0.0.2"));
        using var second = OrchestratorHost.ClientFrom(bed.Follower.Url, IPAddress.Parse("127.0.0.3"));
        Assert.Equal("127.0.0.2", await first.GetStringAsync(ForwardingBed.ClientPath));

        // The follower takes a key the leader does not know: the leader's failed-login limit (1 a minute here) then
        // stops that client, and only that client, not every client of the follower.
        Assert.Equal(HttpStatusCode.Unauthorized, await ListNodesWithFollowerKeyAsync(first));
        Assert.Equal(HttpStatusCode.TooManyRequests, await ListNodesWithFollowerKeyAsync(first));
        Assert.Equal(HttpStatusCode.Unauthorized, await ListNodesWithFollowerKeyAsync(second));
    }

    [Fact]
    public async Task A_forwarded_for_an_ordinary_client_sends_is_ignored()
    {
        // To the leader itself, with a made-up proof.
        using var forged = new HttpRequestMessage(HttpMethod.Get, ForwardingBed.ClientPath);
        forged.Headers.Add(ForwardedClient.ForHeader, "10.9.8.7");
        forged.Headers.Add(ForwardedClient.ProofHeader, $"{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}:{Convert.ToBase64String(new byte[32])}");
        using var direct = await _leader.SendAsync(forged);
        Assert.Equal("127.0.0.1", await direct.Content.ReadAsStringAsync());

        // Through the follower, which names the client it sees instead.
        using var client = OrchestratorHost.ClientFrom(bed.Follower.Url, IPAddress.Parse("127.0.0.2"));
        using var through = new HttpRequestMessage(HttpMethod.Get, ForwardingBed.ClientPath);
        through.Headers.Add(ForwardedClient.ForHeader, "10.9.8.7");
        using var forwarded = await client.SendAsync(through);
        Assert.Equal("127.0.0.2", await forwarded.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Without_a_leader_a_follower_answers_503_with_the_reason()
    {
        var follower = await bed.StartFollowerAsync(leader: null);
        using var client = new HttpClient { BaseAddress = new Uri(follower.Url), Timeout = Timeout };

        using var response = await client.PutAsync("/api/v1/orchestrator/jobs", new StringContent(NoopJob, Encoding.UTF8, "application/json"));

        await AssertUnavailableAsync(response, "no leader elected yet");
    }

    [Fact]
    public async Task With_the_leader_down_a_follower_answers_503_not_500()
    {
        var follower = await bed.StartFollowerAsync(new LeaderInfo("gone", $"http://127.0.0.1:{ForwardingBed.FreePort()}", 2));
        using var client = new HttpClient { BaseAddress = new Uri(follower.Url), Timeout = Timeout };

        using var response = await client.DeleteAsync("/api/v1/orchestrator/jobs/j-anything");

        await AssertUnavailableAsync(response, "the leader gone cannot be reached");
    }

    [Fact]
    public void A_lone_orchestrator_leads_in_term_0_with_its_own_api_address()
    {
        var leadership = bed.Leader.Services.GetRequiredService<IClusterLeadership>();

        Assert.Equal(OrchestratorRole.Leader, leadership.Role);
        Assert.Equal((bed.Leader.Url, 0L), (leadership.Leader!.ApiUrl, leadership.Leader.Term));
        Assert.Equal(bed.Leader.Services.GetRequiredService<OrchestratorIdentity>().NodeId, leadership.Leader.NodeId);
    }

    private static async Task<PutJobResponse> SubmitAsync(HttpClient api)
    {
        using var response = await api.PutAsync("/api/v1/orchestrator/jobs", new StringContent(NoopJob, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(BacalhauJsonContext.Default.PutJobResponse))!;
    }

    /// <summary>The job once it reaches <paramref name="state"/>, waited for with blocking queries.</summary>
    private static async Task<Job> WaitForStateAsync(HttpClient api, string jobId, JobStateType state)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        var job = (await api.GetFromJsonAsync($"/api/v1/orchestrator/jobs/{jobId}", BacalhauJsonContext.Default.GetJobResponse, deadline.Token))!.Job;
        while (job.State.StateType != state)
        {
            job = (await api.GetFromJsonAsync($"/api/v1/orchestrator/jobs/{jobId}?index={job.Revision}&wait=30s", BacalhauJsonContext.Default.GetJobResponse, deadline.Token))!.Job;
        }

        return job;
    }

    private static async Task<HttpStatusCode> ListNodesWithFollowerKeyAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/orchestrator/nodes");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ForwardingBed.FollowerOnlyKey);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response, string reason)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = await response.Content.ReadFromJsonAsync(BacalhauJsonContext.Default.ApiError);
        Assert.Contains(reason, error!.Message, StringComparison.Ordinal);
        Assert.Equal(503, error.Status);
        Assert.Equal("ServiceUnavailable", error.Code);
    }
}

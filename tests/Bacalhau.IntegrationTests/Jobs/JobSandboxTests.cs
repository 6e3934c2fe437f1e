using System.Net;
using System.Net.Http.Json;
using System.Text;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Identity.Content;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.IntegrationTests.Jobs;

/// <summary>
/// No name or path of a job leads out of its sandbox: result names that would have published a host directory (issue 13,
/// observation 1) are refused at the API, on either submission endpoint, and a job asking for a network nodes do not give
/// fails saying why.
/// </summary>
[Collection(SharedCluster.Name)]
public sealed class JobSandboxTests(ClusterFixture cluster)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("/etc", "Tasks[0].ResultPaths[0].Name: must be a plain name without '/' or '\\', got '/etc'")]
    [InlineData("../../..", "Tasks[0].ResultPaths[0].Name: must be a plain name without '/' or '\\', got '../../..'")]
    public async Task A_result_name_naming_a_host_directory_is_a_400_naming_the_field(string name, string error)
    {
        var body = $$$"""
            {"Job": {"Type": "batch", "Count": 1, "Tasks": [{"Name": "main", "Engine": {"Type": "noop"},
              "Publisher": {"Type": "ipfs"}, "ResultPaths": [{"Name": "{{{name}}}", "Path": "/out"}]}]}}
            """;
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await cluster.Api.PutAsync("/api/v1/orchestrator/jobs", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(error, await ErrorMessageAsync(response));
    }

    [Fact]
    public async Task A_legacy_spec_with_such_an_output_is_refused_the_same_way()
    {
        using var content = new StringContent("""{"Engine": "Noop", "Outputs": [{"Name": "/etc", "Path": "/out"}]}""", Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await cluster.Api.PostAsync("/api/v1/run", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Tasks[0].ResultPaths[0].Name: must be a plain name without '/' or '\\', got '/etc'", await ErrorMessageAsync(response));
    }

    [Fact]
    public async Task A_path_inside_published_content_must_be_a_plain_path()
    {
        var cid = Cid.ForRaw(Guid.NewGuid().ToByteArray());

        using var response = await cluster.Api.GetAsync($"/ipfs/{cid}/out%01/secret");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("path: must not contain control characters", await ErrorMessageAsync(response));
    }

    [Fact]
    public async Task A_compute_node_serves_result_downloads_by_archive_name_only()
    {
        await cluster.WaitForReplicasAsync();
        var job = new Job
        {
            Type = JobTypes.Batch,
            Count = 1,
            Tasks = [new JobTask { Name = "main", Engine = new SpecConfig { Type = EngineTypes.Noop }, Publisher = new SpecConfig { Type = PublisherTypes.Local } }],
        };
        var submitted = await cluster.SubmitAsync(job);
        var done = await cluster.WaitForJobAsync(submitted.JobID, JobStateType.Completed, JobTimeout);
        Assert.True(Assert.Single(done.Executions!.Items).PublishedResult!.TryGetParam("URL", out var url));
        var archive = new Uri(url.GetString()!);
        using var http = new HttpClient();

        using var published = await http.GetAsync(archive);
        using var other = await http.GetAsync(new Uri(archive, "state.db"));

        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
        Assert.Equal("name: 'state.db' is not the name of a result archive (<sha256 in hex>.tar.gz)", await ErrorMessageAsync(other));
    }

    [Fact]
    public async Task A_job_asking_for_the_hosts_network_fails_where_no_node_accepts_networked_jobs_saying_why()
    {
        await cluster.WaitForReplicasAsync();
        var job = new Job
        {
            Type = JobTypes.Batch,
            Count = 1,
            Tasks = [new JobTask { Name = "main", Engine = new SpecConfig { Type = EngineTypes.Noop }, Network = new NetworkConfig { Type = NetworkTypes.Host } }],
        };

        var submitted = await cluster.SubmitAsync(job);
        var done = await cluster.WaitForJobAsync(submitted.JobID, JobStateType.Failed, JobTimeout);

        Assert.NotEmpty(done.Executions!.Items);
        Assert.All(done.Executions.Items, e =>
        {
            Assert.Equal(ExecutionStateType.BidRejected, e.ComputeState.StateType);
            Assert.Contains("does not accept networked jobs (Host); its operator allows them with JobAdmissionControl.AcceptNetworkedJobs", e.ComputeState.Message, StringComparison.Ordinal);
        });
    }

    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync(BacalhauJsonContext.Default.ApiError))!.Message;
}

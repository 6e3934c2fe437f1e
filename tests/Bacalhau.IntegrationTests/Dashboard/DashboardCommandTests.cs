using System.Net;
using System.Text.RegularExpressions;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.IntegrationTests.Dashboard;

/// <summary>The orchestrator's links and commands in the dashboard, run as the dashboard runs them, on the shared cluster.</summary>
[Collection(SharedCluster.Name)]
public sealed partial class DashboardCommandTests(ClusterFixture cluster)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Submit_hello_job_submits_a_job_through_the_api_that_completes()
    {
        var result = await cluster.App.ResourceCommands.ExecuteCommandAsync("orchestrator", "submit-hello-job");

        Assert.True(result.Success, result.Message);
        var jobId = SubmittedJob().Match(result.Message ?? "").Groups[1].Value;
        Assert.NotEmpty(jobId);
        var done = await cluster.WaitForJobAsync(jobId, JobStateType.Completed, JobTimeout);
        Assert.Equal("hello", done.Job.Name);
    }

    [Fact]
    public async Task Approve_pending_nodes_lists_the_nodes_and_approves_none_when_none_waits()
    {
        // The shared cluster approves nodes as they join: the command finds none to approve, and says so.
        var result = await cluster.App.ResourceCommands.ExecuteCommandAsync("orchestrator", "approve-pending-nodes");

        Assert.True(result.Success, result.Message);
        Assert.Equal("No node is pending approval", result.Message);
    }

    [Fact]
    public async Task The_orchestrator_links_to_its_web_ui_and_its_api_reference()
    {
        Assert.True(cluster.App.ResourceNotifications.TryGetCurrentState("orchestrator", out var state));
        var urls = state.Snapshot.Urls.ToDictionary(url => url.DisplayProperties.DisplayName, url => url.Url);

        Assert.True(urls.ContainsKey("Web UI"), string.Join(", ", urls.Keys));
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
        using var reference = await http.GetAsync(new Uri(urls["API reference"]));
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Equal("text/html", reference.Content.Headers.ContentType?.MediaType);
    }

    [GeneratedRegex(@"^Submitted job (\S+)$")]
    private static partial Regex SubmittedJob();
}

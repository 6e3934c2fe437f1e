using System.Net.Http.Json;
using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;
using Bacalhau.IntegrationTests.Infrastructure;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Bacalhau.IntegrationTests.WebUi;

/// <summary>
/// The web UI the orchestrator serves at <c>/</c>, in a real headless Chromium against the Docker cluster: every page
/// loads with live data, a job submitted from the submit page shows its logs while it runs, a node is approved from
/// its page, and no page logs a console error. Screenshots of each page go to <c>TestResults/screenshots/</c>.
/// </summary>
[Collection(DockerCluster.Name)]
public sealed class WebUiBrowserTests(DockerClusterFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private ClusterFixture Cluster => fixture.Cluster;

    [Fact]
    public async Task Every_page_loads_against_the_cluster_without_console_errors()
    {
        var nodes = await Cluster.WaitForReplicasAsync();
        var submitted = await Cluster.SubmitAsync(NoopJob());
        await Cluster.WaitForJobAsync(submitted.JobID, JobStateType.Completed, Timeout);
        using var browser = HeadlessChromium.Start();
        var driver = browser.Driver;

        Open(driver, "#/");
        Wait(driver, d => d.FindElement(By.CssSelector("#overview-counts [data-count='CONNECTED']")).Text == nodes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Two samples make the first point of the rates: the plot is being fed.
        Wait(driver, d => d.FindElement(By.CssSelector("svg.plot polyline.queue")).GetAttribute("points") is { Length: > 0 });
        Screenshot(browser, "overview");

        Open(driver, "#/jobs");
        Wait(driver, d => d.FindElements(By.CssSelector($"#jobs-table tr[data-job-id='{submitted.JobID}']")).Count == 1);
        Screenshot(browser, "jobs");
        Open(driver, "#/jobs?state=Completed");
        Wait(driver, d => d.FindElements(By.CssSelector($"#jobs-table tr[data-job-id='{submitted.JobID}']")).Count == 1);
        Open(driver, "#/jobs?state=Failed");
        Wait(driver, d => d.FindElements(By.CssSelector("#jobs-table")).Count == 1);
        Assert.Empty(driver.FindElements(By.CssSelector($"#jobs-table tr[data-job-id='{submitted.JobID}']")));

        Open(driver, $"#/jobs/{submitted.JobID}");
        Wait(driver, d => d.FindElement(By.Id("job-state")).Text == "Completed");
        Wait(driver, d => d.FindElements(By.CssSelector("#job-executions tr[data-execution-id]")).Count >= 1 && d.FindElements(By.CssSelector("#job-history li")).Count > 0);
        Screenshot(browser, "job");

        Open(driver, "#/nodes");
        // Every compute node is listed (beside the orchestrator itself).
        Wait(driver, d => nodes.All(n => d.FindElements(By.CssSelector($"#nodes-table tr[data-node-id='{n.Info.NodeID}']")).Count == 1));
        Screenshot(browser, "nodes");

        var nodeId = nodes[0].Info.NodeID;
        Open(driver, $"#/nodes/{Uri.EscapeDataString(nodeId)}");
        Wait(driver, d => d.FindElement(By.CssSelector("dl.info")).Text.Contains(nodeId, StringComparison.Ordinal));
        Screenshot(browser, "node");

        Open(driver, "#/submit");
        Wait(driver, d => d.FindElement(By.Id("job-spec-input")).Displayed);
        Screenshot(browser, "submit");
        Assert.Empty(browser.ConsoleErrors());
    }

    [Fact]
    public async Task A_spec_the_API_refuses_shows_the_error_beside_the_field_it_names()
    {
        await Cluster.WaitForReplicasAsync();
        using var browser = HeadlessChromium.Start();
        var driver = browser.Driver;

        Open(driver, "#/submit");
        Type(driver, "Type: batch\nCount: 1\nTasks:\n  - Name: main\n    Engine:\n      Type: flibble\n");
        driver.FindElement(By.Id("submit-job")).Click();

        var error = Wait(driver, d => d.FindElement(By.CssSelector(".spec-lines li[data-field='Tasks[0].Engine.Type']")));
        Assert.Contains("flibble", error.Text, StringComparison.Ordinal);
        // Beside the line that sets it.
        var row = error.FindElement(By.XPath("ancestor::tr"));
        Assert.Contains("Type: flibble", row.FindElement(By.TagName("mark")).Text, StringComparison.Ordinal);
        Screenshot(browser, "submit-error");
        // The refused PUT is the only error the page met.
        Assert.All(browser.ConsoleErrors(), message => Assert.Contains("400", message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_job_submitted_from_the_submit_page_shows_its_logs_live_on_its_job_page()
    {
        await Cluster.WaitForReplicasAsync();
        using var browser = HeadlessChromium.Start();
        var driver = browser.Driver;

        Open(driver, "#/submit");
        // Ten lines a second apart: the first arrive while the job is still running.
        Type(driver, """
            Name: web-ui-logs
            Type: batch
            Count: 1
            Tasks:
              - Name: main
                Engine:
                  Type: docker
                  Params:
                    Image: busybox:1.37.0
                    Entrypoint: [/bin/sh, -c]
                    Parameters: ["i=1; while [ $i -le 10 ]; do echo line $i; sleep 1; i=$((i+1)); done"]

            """);
        driver.FindElement(By.Id("submit-job")).Click();

        Wait(driver, d => d.Url.Contains("#/jobs/j-", StringComparison.Ordinal));
        var jobId = Wait(driver, d => d.FindElement(By.Id("job-id")).Text);
        Wait(driver, d => d.FindElement(By.Id("job-logs")).Text.Contains("line 2", StringComparison.Ordinal));
        var stateWhileLogging = (await Cluster.GetJobAsync(jobId)).Job.State.StateType;
        Assert.Equal(JobStateType.Running, stateWhileLogging);
        Screenshot(browser, "job-live-logs");

        Wait(driver, d => d.FindElement(By.Id("job-state")).Text == "Completed");
        Wait(driver, d => d.FindElement(By.Id("job-logs")).Text.Contains("line 10", StringComparison.Ordinal));
        var lines = driver.FindElement(By.Id("job-logs")).Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"line {i}"), lines);
        Screenshot(browser, "job-completed");
        Assert.Empty(browser.ConsoleErrors());
    }

    [Fact]
    public async Task A_node_that_is_not_approved_is_approved_from_its_page()
    {
        var nodeId = (await Cluster.WaitForReplicasAsync())[^1].Info.NodeID;
        // The fixture's nodes join approved; a rejected one waits for approval as a pending one does.
        Assert.True((await UpdateNodeAsync(nodeId, "reject")).Success);
        try
        {
            using var browser = HeadlessChromium.Start();
            var driver = browser.Driver;
            Open(driver, $"#/nodes/{Uri.EscapeDataString(nodeId)}");
            Wait(driver, d => d.FindElement(By.Id("node-membership")).Text == "REJECTED");
            driver.FindElement(By.Id("approve-node")).Click();

            Wait(driver, d => d.FindElement(By.Id("node-action-result")).Text == "approve: done");
            Wait(driver, d => d.FindElement(By.Id("node-membership")).Text == "APPROVED");
            Assert.Equal(NodeMembership.Approved, (await Cluster.FindNodeAsync(nodeId))!.Membership);
            Screenshot(browser, "node-approved");
            Assert.Empty(browser.ConsoleErrors());
        }
        finally
        {
            if ((await Cluster.FindNodeAsync(nodeId))?.Membership != NodeMembership.Approved)
            {
                await UpdateNodeAsync(nodeId, "approve");
            }
        }
    }

    private static Job NoopJob() => new()
    {
        Type = JobTypes.Batch,
        Count = 1,
        Labels = new Dictionary<string, string> { ["from"] = "web-ui-test" },
        Tasks = [new JobTask { Name = "main", Engine = new SpecConfig { Type = EngineTypes.Noop } }],
    };

    private async Task<UpdateNodeResponse> UpdateNodeAsync(string nodeId, string action)
    {
        using var response = await Cluster.Api.PutAsJsonAsync($"/api/v1/orchestrator/nodes/{nodeId}", new UpdateNodeRequest { Action = action }, BacalhauJsonContext.Default.UpdateNodeRequest);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(BacalhauJsonContext.Default.UpdateNodeResponse))!;
    }

    private void Open(ChromeDriver driver, string route) => driver.Navigate().GoToUrl(new Uri(Cluster.Api.BaseAddress!, "/" + route));

    private static void Type(ChromeDriver driver, string spec)
    {
        var input = Wait(driver, d => d.FindElement(By.Id("job-spec-input")));
        input.Clear();
        input.SendKeys(spec);
    }

    private static T Wait<T>(IWebDriver driver, Func<IWebDriver, T> condition) => HeadlessChromium.Wait(driver, condition);

    private static void Screenshot(HeadlessChromium browser, string page) => browser.SaveScreenshot(page);
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bacalhau.Cli.Tests.Infrastructure;

namespace Bacalhau.Cli.Tests.Serve;

/// <summary>An orchestrator told where the dashboard that receives its traces runs.</summary>
public sealed class DashboardLinkedOrchestrator : ServedOrchestrator
{
    public const string DashboardUrl = "http://127.0.0.1:15888";

    protected override string[] Arguments => [$"--Orchestrator.WebUi.DashboardUrl={DashboardUrl}"];
}

/// <summary>
/// The web UI as <c>bacalhau serve --orchestrator</c> serves it from its assembly, and the API it relies on: the
/// overview counts, job list filters (refused naming the parameter), a spec file submitted as YAML, the settings that
/// link a job to its traces in the dashboard.
/// </summary>
public sealed partial class WebUiTests(DashboardLinkedOrchestrator orchestrator) : IClassFixture<DashboardLinkedOrchestrator>
{
    [Fact]
    public async Task The_settings_name_the_dashboard_the_job_page_links_to()
    {
        using var settings = JsonDocument.Parse(await orchestrator.Http.GetStringAsync("/ui/settings.json"));
        Assert.Equal(DashboardLinkedOrchestrator.DashboardUrl, settings.RootElement.GetProperty("DashboardUrl").GetString());

        var page = await orchestrator.Http.GetStringAsync("/ui/js/pages/job.js");
        Assert.Contains("/ui/settings.json", page, StringComparison.Ordinal);
        Assert.Contains("bacalhau.job.id:equals:", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ui_is_served_at_the_root_with_every_module_it_imports_and_a_strict_content_security_policy()
    {
        using var index = await orchestrator.Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("text/html", index.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("default-src 'self';", index.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", index.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(index.Headers.CacheControl?.NoCache);

        // Every file the page loads, and every module those import, is served.
        var pending = new Queue<string>(Referenced(await index.Content.ReadAsStringAsync(), "/"));
        var seen = new HashSet<string>();
        while (pending.TryDequeue(out var path))
        {
            if (!seen.Add(path))
            {
                continue;
            }

            using var file = await orchestrator.Http.GetAsync(path);
            Assert.True(file.StatusCode == HttpStatusCode.OK, $"{path}: {file.StatusCode}");
            if (path.EndsWith(".js", StringComparison.Ordinal))
            {
                Assert.Equal("text/javascript", file.Content.Headers.ContentType?.MediaType);
                foreach (var imported in Referenced(await file.Content.ReadAsStringAsync(), path))
                {
                    pending.Enqueue(imported);
                }
            }
        }

        Assert.Contains("/ui/js/pages/submit.js", seen);
        Assert.Contains("/ui/css/app.css", seen);

        // Unchanged files cost a 304; names that are not files of the UI a 404.
        using var first = await orchestrator.Http.GetAsync("/ui/js/app.js");
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "/ui/js/app.js");
        revalidate.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var notModified = await orchestrator.Http.SendAsync(revalidate);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        foreach (var missing in new[] { "/ui/js/nothing.js", "/ui/../appsettings.json", "/ui/index.html.bak" })
        {
            using var answer = await orchestrator.Http.GetAsync(missing);
            Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        }
    }

    [Fact]
    public async Task Jobs_are_listed_by_state_label_and_name_and_a_bad_filter_is_refused_naming_its_parameter()
    {
        // No compute node: both wait Queued.
        var alpha = await SubmitYamlAsync("Name: web-alpha\nLabels: {team: a}\nTasks:\n  - Name: main\n    Engine: {Type: noop}\n");
        var beta = await SubmitYamlAsync("{\"Name\":\"web-beta\",\"Labels\":{\"team\":\"b\"},\"Tasks\":[{\"Name\":\"main\",\"Engine\":{\"Type\":\"noop\"}}]}");
        await WaitAsync(async () => (await ListAsync("state=Queued")).Count(id => id == alpha || id == beta) == 2, "both jobs to be Queued");

        Assert.Equal([alpha], await ListAsync("label=team%3Da"));
        Assert.Equal([alpha, beta], await ListAsync("label=team"));
        Assert.Equal([beta], await ListAsync("name=BETA"));
        Assert.Equal([beta, alpha], await ListAsync("state=queued&reverse=true&name=web-"));
        Assert.Empty(await ListAsync("state=Completed"));
        Assert.Equal([alpha], await ListAsync("label=team&limit=1"));

        using var overview = JsonDocument.Parse(await orchestrator.Http.GetStringAsync("/api/v1/orchestrator/overview"));
        Assert.True(overview.RootElement.GetProperty("OpenJobs").GetProperty("Queued").GetInt32() >= 2);
        Assert.True(overview.RootElement.GetProperty("QueueDepth").GetInt32() >= 2);
        Assert.Equal(0, overview.RootElement.GetProperty("NodesByConnection").GetProperty("CONNECTED").GetInt32());

        foreach (var (query, parameter) in new[] { ("state=flibble", "state:"), ("state=0", "state:"), ("label=%3Dx", "label:"), ($"name={new string('n', 300)}", "name:") })
        {
            using var refused = await orchestrator.Http.GetAsync($"/api/v1/orchestrator/jobs?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            using var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
            Assert.StartsWith(parameter, error.RootElement.GetProperty("Message").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_yaml_spec_the_api_refuses_is_answered_400_naming_the_field()
    {
        using var refused = await PutSpecAsync("Tasks:\n  - Name: main\n    Engine:\n      Type: flibble\n");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Tasks[0].Engine.Type", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var malformed = await PutSpecAsync("Tasks: [unclosed\n");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("invalid YAML", await malformed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Paths of <c>src</c>/<c>href</c> attributes and module imports, resolved against <paramref name="from"/>.</summary>
    private static IEnumerable<string> Referenced(string text, string from) =>
        References().Matches(text).Select(m => new Uri(new Uri("http://ui" + from), m.Groups["path"].Value).AbsolutePath)
            .Where(path => path.StartsWith("/ui/", StringComparison.Ordinal));

    [GeneratedRegex("""(?:(?:src|href)="|from ')(?<path>[^"'#]+)["']""")]
    private static partial Regex References();

    private Task<HttpResponseMessage> PutSpecAsync(string spec)
    {
        var content = new StringContent(spec, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/yaml");
        return orchestrator.Http.PutAsync("/api/v1/orchestrator/jobs", content);
    }

    private async Task<string> SubmitYamlAsync(string spec)
    {
        using var response = await PutSpecAsync(spec);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("JobID").GetString()!;
    }

    private async Task<List<string>> ListAsync(string query)
    {
        using var json = JsonDocument.Parse(await orchestrator.Http.GetStringAsync($"/api/v1/orchestrator/jobs?{query}"));
        return [.. json.RootElement.GetProperty("Items").EnumerateArray().Select(j => j.GetProperty("ID").GetString()!)];
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }
        }
    }
}

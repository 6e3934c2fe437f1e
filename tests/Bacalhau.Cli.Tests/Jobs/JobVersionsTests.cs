using System.Net;
using System.Text;
using System.Text.Json;
using Bacalhau.Cli.Tests.Infrastructure;

namespace Bacalhau.Cli.Tests.Jobs;

/// <summary>
/// Job versions against a real hybrid node (<c>bacalhau serve --orchestrator --compute</c>), driven with the CLI and
/// the API: a spec submitted again by name updates the job, <c>--dry-run</c> shows the diff and changes nothing,
/// <c>job versions</c> lists them, <c>job rerun</c> runs a version again.
/// </summary>
public sealed class JobVersionsTests
{
    private const string Name = "versioned";

    [Fact]
    public async Task A_job_is_updated_by_name_diffed_listed_by_version_and_rerun()
    {
        await using var cluster = new LocalCluster();
        var dataDir = cluster.NewDataDir();
        var apiPort = await cluster.StartHybridAsync(dataDir);
        string[] api = ["--api-port", $"{apiPort}"];
        var one = await SpecAsync(dataDir, "one.yaml", count: 1);
        var two = await SpecAsync(dataDir, "two.yaml", count: 2);

        var run = await CliProcess.RunAsync(dataDir, ["job", "run", one, .. api]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var jobId = run.Stdout.Split("Job ID: ")[1].Split('\n')[0].Trim();

        // A dry run of a changed spec shows what would change, and changes nothing.
        var dryRun = await CliProcess.RunAsync(dataDir, ["job", "run", two, "--dry-run", .. api]);
        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.Contains("-   \"Count\": 1,", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Contains("+   \"Count\": 2,", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Equal([1UL], await VersionsAsync(dataDir, Name, api));

        var unchanged = await CliProcess.RunAsync(dataDir, ["job", "run", one, "--dry-run", .. api]);
        Assert.True(unchanged.ExitCode == 0, unchanged.ToString());
        Assert.StartsWith("No diff detected", unchanged.Stdout, StringComparison.Ordinal);

        // The same spec again is refused, saying what to do; a changed one updates the job under its ID.
        var again = await CliProcess.RunAsync(dataDir, ["job", "run", one, .. api]);
        Assert.NotEqual(0, again.ExitCode);
        var refusal = again.Stderr.Trim().Split('\n');
        Assert.StartsWith("Error: no changes detected", refusal[0], StringComparison.Ordinal);
        Assert.Contains("--force", refusal[^1], StringComparison.Ordinal);

        var update = await CliProcess.RunAsync(dataDir, ["job", "run", two, .. api]);
        Assert.True(update.ExitCode == 0, update.ToString());
        Assert.Contains($"Job ID: {jobId}", update.Stdout, StringComparison.Ordinal);
        Assert.Contains("Completed", update.Stdout, StringComparison.Ordinal);
        Assert.Equal([1UL, 2UL], await VersionsAsync(dataDir, Name, api));
        Assert.Equal([1UL, 2UL], await VersionsAsync(dataDir, jobId, api));

        var table = await CliProcess.RunAsync(dataDir, ["job", "versions", Name, .. api]);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("VERSION", table.Stdout, StringComparison.Ordinal);
        Assert.Equal(3, table.Stdout.Trim().Split('\n').Length);

        // Version 1 again, as version 3: one execution of it completes.
        var rerun = await CliProcess.RunAsync(dataDir, ["job", "rerun", Name, "--version", "1", .. api]);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Contains("version 3", rerun.Stdout, StringComparison.Ordinal);
        Assert.Contains("Completed", rerun.Stdout, StringComparison.Ordinal);
        var describe = await CliProcess.RunAsync(dataDir, ["job", "describe", Name, "--output", "json", .. api]);
        Assert.True(describe.ExitCode == 0, describe.ToString());
        using (var described = JsonDocument.Parse(describe.Stdout))
        {
            var job = described.RootElement.GetProperty("Job");
            Assert.Equal((jobId, 3UL, 1), (job.GetProperty("ID").GetString(), job.GetProperty("Version").GetUInt64(), job.GetProperty("Count").GetInt32()));
            // As Bacalhau: the executions of the version shown; all of them on request.
            var execution = Assert.Single(described.RootElement.GetProperty("Executions").GetProperty("Items").EnumerateArray());
            Assert.Equal((3UL, "Completed"), (execution.GetProperty("JobVersion").GetUInt64(), execution.GetProperty("ComputeState").GetProperty("StateType").GetString()));
        }

        var unknown = await CliProcess.RunAsync(dataDir, ["job", "versions", "no-such-job", .. api]);
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("job 'no-such-job' not found", unknown.Stderr, StringComparison.Ordinal);

        await TheApiAnswersByVersionAsync(apiPort, jobId);
    }

    /// <summary>The REST side: a given version, and what is refused naming the field.</summary>
    private static async Task TheApiAnswersByVersionAsync(int apiPort, string jobId)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}/api/v1/orchestrator/jobs/") };

        using (var first = JsonDocument.Parse(await http.GetStringAsync($"{Name}?job_version=1")))
        {
            var job = first.RootElement.GetProperty("Job");
            Assert.Equal((jobId, 1UL, 1), (job.GetProperty("ID").GetString(), job.GetProperty("Version").GetUInt64(), job.GetProperty("Count").GetInt32()));
        }

        using (var all = JsonDocument.Parse(await http.GetStringAsync($"{jobId}/executions?all_job_versions=true")))
        {
            Assert.Equal([1UL, 2UL, 2UL, 3UL], all.RootElement.GetProperty("Items").EnumerateArray().Select(e => e.GetProperty("JobVersion").GetUInt64()).Order());
        }

        using (var second = JsonDocument.Parse(await http.GetStringAsync($"{Name}/history?job_version=2")))
        {
            Assert.All(second.RootElement.GetProperty("Items").EnumerateArray(), h => Assert.Equal(2UL, h.GetProperty("JobVersion").GetUInt64()));
        }

        using var missingVersion = await http.GetAsync($"{jobId}?job_version=7");
        Assert.Equal(HttpStatusCode.NotFound, missingVersion.StatusCode);
        Assert.Contains("job_version", await missingVersion.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var nameless = await http.PutAsync("diff", Json("""{"Job":{"Tasks":[{"Engine":{"Type":"noop"}}]}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, nameless.StatusCode);
        Assert.Contains("Job.Name", await nameless.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var unknownName = await http.PutAsync("diff", Json("""{"Job":{"Name":"nobody","Tasks":[{"Engine":{"Type":"noop"}}]}}"""));
        Assert.Equal(HttpStatusCode.NotFound, unknownName.StatusCode);

        using var badRerun = await http.PutAsync($"{jobId}/rerun", Json("""{"JobVersion":"one"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, badRerun.StatusCode);
        Assert.Contains("JobVersion", await badRerun.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<IReadOnlyList<ulong>> VersionsAsync(string dataDir, string idOrName, string[] api)
    {
        var result = await CliProcess.RunAsync(dataDir, ["job", "versions", idOrName, "--output", "json", .. api]);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var versions = JsonDocument.Parse(result.Stdout);
        return [.. versions.RootElement.EnumerateArray().Select(v => v.GetProperty("Version").GetUInt64())];
    }

    private static async Task<string> SpecAsync(string dataDir, string file, int count)
    {
        var path = Path.Combine(dataDir, file);
        await File.WriteAllTextAsync(path, $"name: {Name}\ntype: batch\ncount: {count}\ntasks:\n  - name: main\n    engine:\n      type: noop\n");
        return path;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}

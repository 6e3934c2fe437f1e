using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Bacalhau.Cli.Tests.Infrastructure;
using CsCheck;
using Xunit.Abstractions;

namespace Bacalhau.Cli.Tests.BadInput;

/// <summary>
/// Generated requests against a real orchestrator (<c>bacalhau serve --orchestrator</c>): every answer is 2xx or 4xx,
/// none takes longer than the per-request timeout, the process stays up and its memory comes back to where it was.
/// </summary>
public sealed class ApiBadInputTests(ServedOrchestrator orchestrator, ITestOutputHelper output) : IClassFixture<ServedOrchestrator>
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(120);
    private const double RssTolerance = 1.2;

    [Fact]
    public async Task Generated_requests_to_every_endpoint_get_4xx_or_2xx_and_in_the_full_suite_leave_memory_where_it_was()
    {
        using var http = new HttpClient { BaseAddress = orchestrator.Api, Timeout = Timeout.InfiniteTimeSpan };
        var endpoints = new[] { RequestGenerators.JobSubmissions, RequestGenerators.Runs, RequestGenerators.NodeUpdates, RequestGenerators.Queries };

        // A first round warms up what a long-running server has warm (JIT, pools, caches) before the baseline.
        var warmup = new StatusFigures();
        foreach (var endpoint in endpoints)
        {
            await endpoint.SampleAsync(c => SendAsync(http, c, warmup), iter: Math.Min(BadInputRun.Count, 200), threads: 4);
        }

        var rssBefore = Rss();
        var figures = new StatusFigures();
        var clock = Stopwatch.StartNew();
        foreach (var endpoint in endpoints)
        {
            await endpoint.SampleAsync(c => SendAsync(http, c, figures), iter: BadInputRun.Count, threads: 4);
        }

        var elapsed = clock.Elapsed;
        var rssAfter = Rss();

        // Accepted jobs wait in the queue (there are no compute nodes), held in memory as work in flight: stopped,
        // they leave it, and what remains is what the requests themselves left behind. A generated queue or total
        // timeout can end a job first, and stopping an ended job is refused: then it must have ended.
        var accepted = figures.AcceptedJobs;
        await Parallel.ForEachAsync(accepted, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (id, cancellationToken) =>
        {
            using var stopped = await http.DeleteAsync($"{RequestGenerators.Jobs}/{id}", cancellationToken);
            if (!stopped.IsSuccessStatusCode)
            {
                var state = await JobStateAsync(http, id, cancellationToken);
                Assert.True(
                    stopped.StatusCode == System.Net.HttpStatusCode.BadRequest && state is "Completed" or "Failed" or "Stopped",
                    $"stopping {id} answered {stopped.StatusCode} with the job {state}");
            }
        });
        Assert.False(orchestrator.Process.HasExited, "the orchestrator exited");
        using (var alive = await http.GetAsync("api/v1/agent/alive"))
        {
            Assert.True(alive.IsSuccessStatusCode, $"alive answered {alive.StatusCode}");
        }

        var rssSettled = BadInputRun.IsFull ? await SettledRssAsync(rssBefore) : Rss();
        var report = string.Create(CultureInfo.InvariantCulture, $"""
            REST API, {BadInputRun.Count} generated requests per endpoint in {elapsed.TotalSeconds:F0} s:
            {figures}  orchestrator RSS: {rssBefore / 1024.0:F1} MiB before, {rssAfter / 1024.0:F1} MiB right after, {rssSettled / 1024.0:F1} MiB once the {accepted.Count} accepted jobs were stopped (limit {rssBefore * RssTolerance / 1024.0:F1} MiB)
            """);
        output.WriteLine(report);
        BadInputRun.Report(report);
        // The memory bound is judged in the full suite (scripts/bad-input.sh): after a few hundred requests RSS measures
        // the runtime's array pools as much as the server, so the default run reports the figures only.
        if (BadInputRun.IsFull)
        {
            Assert.True(rssSettled <= rssBefore * RssTolerance, report);
        }
    }

    private static async Task<string?> JobStateAsync(HttpClient http, string id, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"{RequestGenerators.Jobs}/{id}", cancellationToken);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return response.IsSuccessStatusCode ? body.RootElement.GetProperty("Job").GetProperty("State").GetProperty("StateType").GetString() : null;
    }

    private static async Task SendAsync(HttpClient http, HttpCase generated, StatusFigures figures)
    {
        using var request = generated.ToRequest();
        using var timeout = new CancellationTokenSource(RequestTimeout);
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            var status = (int)response.StatusCode;
            figures.Add(generated.Endpoint, status, clock.Elapsed);
            if (status == 200 && generated.Endpoint == "PUT jobs")
            {
                using var answer = JsonDocument.Parse(body);
                figures.Accepted(answer.RootElement.GetProperty("JobID").GetString()!);
            }

            if (status >= 500)
            {
                throw new Xunit.Sdk.XunitException($"{status} for {generated}");
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new Xunit.Sdk.XunitException($"no answer within {RequestTimeout.TotalSeconds:F0} s for {generated}");
        }
        catch (HttpRequestException ex) when (ex.InnerException is IOException)
        {
            // Kestrel answers a request line or body over its limits at once and closes the connection; a client still
            // sending the body then sees a broken pipe. That is a refusal, not a failure (the process is checked after).
            figures.Add(generated.Endpoint, StatusFigures.ConnectionClosed, clock.Elapsed);
        }
    }

    /// <summary>The orchestrator's RSS once it is back within bounds, or after <see cref="SettleTimeout"/>, whichever is first.</summary>
    private async Task<long> SettledRssAsync(long before)
    {
        using var deadline = new CancellationTokenSource(SettleTimeout);
        var rss = Rss();
        while (rss > before * RssTolerance && !deadline.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            rss = Rss();
        }

        return rss;
    }

    /// <summary>Resident memory of the orchestrator's process, in KiB.</summary>
    private long Rss()
    {
        var line = File.ReadLines($"/proc/{orchestrator.Process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}

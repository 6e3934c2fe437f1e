using Bacalhau.Client;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Protocol;
using Bacalhau.IntegrationTests.Executors;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.IntegrationTests.Jobs;

/// <summary>Live logs: every line, in order, whether followed while the job runs or fetched after it ended.</summary>
[Collection(DockerCluster.Name)]
public sealed class JobLogTests(DockerClusterFixture fixture)
{
    private const int Lines = 10_000;

    // Prints 10,000 numbered lines over about three seconds, with stderr lines mixed in.
    private const string Script = "i=1; while [ $i -le 10000 ]; do echo \"line $i\"; " +
                                  "if [ $((i % 1000)) -eq 0 ]; then echo \"progress $i\" >&2; sleep 0.3; fi; i=$((i+1)); done";

    [Fact]
    public async Task Following_a_job_that_prints_10000_lines_yields_them_all_in_order_and_so_does_a_later_fetch()
    {
        await fixture.Cluster.WaitForReplicasAsync();
        var client = new BacalhauClient(fixture.Cluster.Api);
        var submitted = await fixture.Cluster.SubmitAsync(DockerJobTests.ShellJob(Script));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var followed = await ReadAsync(client.StreamLogsAsync(submitted.JobID, follow: true, cancellationToken: timeout.Token));
        await fixture.Cluster.WaitForJobAsync(submitted.JobID, JobStateType.Completed, TimeSpan.FromSeconds(30));
        var fetched = await ReadAsync(client.StreamLogsAsync(submitted.JobID, cancellationToken: timeout.Token));

        foreach (var lines in new[] { followed, fetched })
        {
            var stdout = lines.Where(l => l.Type == ExecutionLogType.Stdout).Select(l => l.Line).ToList();
            Assert.Equal(Lines, stdout.Count);
            Assert.Equal(Enumerable.Range(1, Lines).Select(i => $"line {i}"), stdout);
            Assert.Equal(Enumerable.Range(1, 10).Select(i => $"progress {i * 1000}"), lines.Where(l => l.Type == ExecutionLogType.Stderr).Select(l => l.Line));
        }
    }

    private static async Task<List<ExecutionLogLine>> ReadAsync(IAsyncEnumerable<ExecutionLogLine> stream)
    {
        var lines = new List<ExecutionLogLine>();
        await foreach (var line in stream)
        {
            lines.Add(line);
        }

        return lines;
    }
}

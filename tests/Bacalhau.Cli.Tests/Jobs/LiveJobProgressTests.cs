using Bacalhau.Cli.Output;
using Bacalhau.Cli.Tests.Infrastructure;

namespace Bacalhau.Cli.Tests.Jobs;

/// <summary>
/// <c>job run</c> on a terminal: run under <c>script</c>, which gives it a pseudo-terminal, against a real hybrid node.
/// (Piped output, the lines a program reads, is what every other job test checks.)
/// </summary>
public sealed class LiveJobProgressTests
{
    [Fact]
    public async Task On_a_terminal_job_run_redraws_one_status_line_and_leaves_a_plain_one()
    {
        await using var cluster = new LocalCluster();
        var dataDir = cluster.NewDataDir();
        var apiPort = await cluster.StartHybridAsync(dataDir);
        var spec = Path.Combine(dataDir, "noop.yaml");
        await File.WriteAllTextAsync(spec, "name: cli live\ntype: batch\ncount: 1\ntasks:\n  - name: main\n    engine:\n      type: noop\n");
        var nodeId = LocalCluster.ComputeNodeId(dataDir);

        var coloured = await CliProcess.RunOnTerminalAsync(dataDir, noColor: null, "job", "run", spec, "--api-port", $"{apiPort}");
        Assert.True(coloured.ExitCode == 0, coloured.ToString());
        Assert.Contains("Job successfully submitted", coloured.Stdout, StringComparison.Ordinal);
        Assert.Contains(Ansi.ClearLine, coloured.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{Ansi.ClearLine}\u001b[32mCompleted\u001b[0m on {nodeId} after ", coloured.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Checking job status", coloured.Stdout, StringComparison.Ordinal);

        // The same spec again is the same job, run again only when forced (job versions).
        var plain = await CliProcess.RunOnTerminalAsync(dataDir, noColor: "1", "job", "run", spec, "--force", "--api-port", $"{apiPort}");
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Contains($"{Ansi.ClearLine}Completed on {nodeId} after ", plain.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[0m", plain.Stdout, StringComparison.Ordinal);
    }
}

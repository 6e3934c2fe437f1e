using System.Text.Json;
using System.Text.RegularExpressions;
using Bacalhau.Cli.Tests.Infrastructure;

namespace Bacalhau.Cli.Tests.Commands;

/// <summary>
/// The list commands' filters, order, paging and output flags, and <c>job run</c>'s templates, driven through the
/// built <c>bacalhau</c> against a real hybrid node (<c>serve --orchestrator --compute</c>, labelled zone=eu).
/// </summary>
public sealed partial class ListCommandsTests
{
    private const string Template = """
        name: "{{.name}}"
        namespace: {{ .ns }}
        labels:
          team: {{.team}}
          owner: {{.LISTING_OWNER}}
        type: batch
        count: 1
        tasks:
          - name: main
            engine:
              type: noop
        """;

    // name, namespace, team: in submission order.
    private static readonly (string Name, string Namespace, string Team)[] Jobs =
    [
        ("etl, nightly", "ns1", "red"), ("b", "ns1", "blue"), ("c", "ns2", "red"), ("d", "ns2", "green"), ("e", "ns1", "red"),
    ];

    [Fact]
    public async Task Jobs_are_templated_filtered_ordered_paged_and_printed_as_asked()
    {
        await using var cluster = new LocalCluster();
        var (dataDir, run) = await StartAsync(cluster);
        var spec = Path.Combine(dataDir, "job.yaml");
        await File.WriteAllTextAsync(spec, Template);
        var environment = new Dictionary<string, string> { ["LISTING_OWNER"] = "ana", ["OTHER_OWNER"] = "bob" };
        var ids = new List<string>();
        foreach (var (name, ns, team) in Jobs)
        {
            // The name holds a comma: quoted, as Go's CSV reader reads --template-vars.
            var submitted = await CliProcess.RunAsync(dataDir, null, environment, ["job", "run", spec, "-V", $"\"name={name}\",ns={ns}", "--template-vars", $"team={team}", "-E", "^LISTING_", "--id-only", .. run]);
            Assert.True(submitted.ExitCode == 0, submitted.ToString());
            ids.Add(submitted.Stdout.Trim().Split('\n')[^1].Trim());
        }

        var missing = await CliProcess.RunAsync(dataDir, null, environment, ["job", "run", spec, "-V", "name=x,ns=ns1", "-E", "^LISTING_", .. run]);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Equal($"Error: '{spec}': template line 4: map has no entry for key \"team\" (set it with --template-vars team=value, or --template-envs to take it from the environment)", missing.Stderr.Trim());

        var raw = Path.Combine(dataDir, "raw.yaml");
        await File.WriteAllTextAsync(raw, "name: \"{{.name}}\"\nnamespace: ns3\ntype: batch\ncount: 1\ntasks:\n  - name: main\n    engine:\n      type: noop\n");
        var untemplated = await CliProcess.RunAsync(dataDir, ["job", "run", raw, "--no-template", "--id-only", .. run]);
        Assert.True(untemplated.ExitCode == 0, untemplated.ToString());
        var rawId = untemplated.Stdout.Trim().Split('\n')[^1].Trim();

        await LocalCluster.WaitUntilAsync(async () => (await JobsAsync(dataDir, run, "--state", "Completed")).Count == Jobs.Length + 1, null, "every job to complete");
        Assert.Equal("{{.name}}", (await JobsAsync(dataDir, run, "--namespace", "ns3")).Single().GetProperty("Name").GetString());
        var owners = (await JobsAsync(dataDir, run, "--namespace", "ns1")).Select(j => j.GetProperty("Labels").GetProperty("owner").GetString()).Distinct();
        Assert.Equal(["ana"], owners);

        // Filters: label selectors, namespace, state, together.
        Assert.Equal(["etl, nightly", "c", "e"], Names(await JobsAsync(dataDir, run, "--labels", "team=red")));
        Assert.Equal(["b", "d"], Names(await JobsAsync(dataDir, run, "--labels", "team in (blue,green)")));
        Assert.Equal(["b", "d"], Names(await JobsAsync(dataDir, run, "--labels", "team!=red,owner")));
        Assert.Equal(["{{.name}}"], Names(await JobsAsync(dataDir, run, "--labels", "!team")));
        Assert.Equal(["etl, nightly", "b", "e"], Names(await JobsAsync(dataDir, run, "--namespace", "ns1")));
        Assert.Equal(["c"], Names(await JobsAsync(dataDir, run, "--namespace", "ns2", "--labels", "team=red")));
        Assert.Empty(await JobsAsync(dataDir, run, "--state", "Failed"));

        // Order: by ID either way, by creation by default.
        var all = (string[])[.. ids, rawId];
        Assert.Equal(all.Order(StringComparer.Ordinal), Ids(await JobsAsync(dataDir, run, "--order-by", "id")));
        Assert.Equal(all.Order(StringComparer.Ordinal).Reverse(), Ids(await JobsAsync(dataDir, run, "--order-by", "id", "--order-reversed")));
        Assert.Equal(all, Ids(await JobsAsync(dataDir, run)));
        Assert.Equal(all.Reverse(), Ids(await JobsAsync(dataDir, run, "--order-reversed")));

        // Paging: the table says how to go on; following it reads every job once, in the order and page size the
        // listing began with (the token carries them, as Bacalhau's does).
        var paged = new List<string>();
        var pages = 0;
        string? token = null;
        do
        {
            string[] flags = token is null ? ["--order-by", "id", "--limit", "4"] : ["--next-token", token];
            var page = await CliProcess.RunAsync(dataDir, ["job", "list", "--wide", .. flags, .. run]);
            Assert.True(page.ExitCode == 0, page.ToString());
            paged.AddRange(JobId().Matches(page.Stdout).Select(m => m.Value));
            token = NextToken().Match(page.Stdout) is { Success: true } next ? next.Groups[1].Value : null;
            pages++;
        }
        while (token is not null && pages < 10);
        Assert.Equal(2, pages);
        Assert.Equal(all.Order(StringComparer.Ordinal), paged);

        // CSV: a header unless hidden, values whole and quoted where they must be.
        var csv = await CliProcess.RunAsync(dataDir, ["job", "list", "--namespace", "ns1", "--output", "csv", .. run]);
        Assert.True(csv.ExitCode == 0, csv.ToString());
        var lines = csv.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal("CREATED,ID,JOB,TYPE,STATE", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.EndsWith($",{ids[0]},\"etl, nightly\",batch,Completed", lines[1], StringComparison.Ordinal);
        var headless = await CliProcess.RunAsync(dataDir, ["job", "list", "--namespace", "ns1", "--output", "csv", "--hide-header", .. run]);
        Assert.Equal(lines[1..], headless.Stdout.TrimEnd('\n').Split('\n'));
        var table = await CliProcess.RunAsync(dataDir, ["job", "list", "--namespace", "ns1", "--hide-header", "--no-style", .. run]);
        Assert.DoesNotContain("CREATED", table.Stdout, StringComparison.Ordinal);
        Assert.Contains(ids[0], table.Stdout, StringComparison.Ordinal);

        // A narrow terminal cuts the table, --wide prints it whole.
        var narrowTerminal = new Dictionary<string, string> { ["COLUMNS"] = "50" };
        var narrow = await CliProcess.RunAsync(dataDir, null, narrowTerminal, ["job", "list", "--namespace", "ns1", .. run]);
        Assert.All(narrow.Stdout.TrimEnd('\n').Split('\n'), line => Assert.True(line.Length <= 50, line));
        Assert.DoesNotContain(ids[0], narrow.Stdout, StringComparison.Ordinal);
        var wide = await CliProcess.RunAsync(dataDir, null, narrowTerminal, ["job", "list", "--namespace", "ns1", "--wide", .. run]);
        Assert.Contains(ids[0], wide.Stdout, StringComparison.Ordinal);
        Assert.Contains("etl, nightly", wide.Stdout, StringComparison.Ordinal);

        // Bad values: one line naming the parameter.
        await AssertRefusedAsync(dataDir, ["job", "list", "--order-by", "nope", .. run], "Error: order_by: 'nope' is not one of created_at, modified_at, id");
        await AssertRefusedAsync(dataDir, ["job", "list", "--labels", "=x", .. run], "Error: labels: '=x': expected key=value");
        await AssertRefusedAsync(dataDir, ["job", "list", "--state", "Sleeping", .. run], "Error: state: 'Sleeping' is not one of");
        await AssertRefusedAsync(dataDir, ["job", "list", "--next-token", "0-0-colour-a", .. run], "Error: next_token '0-0-colour-a' is not a token this server issued");
    }

    [Fact]
    public async Task History_and_executions_filter_by_type_and_execution_and_page()
    {
        await using var cluster = new LocalCluster();
        var (dataDir, run) = await StartAsync(cluster);
        var spec = Path.Combine(dataDir, "job.yaml");
        await File.WriteAllTextAsync(spec, "type: batch\ncount: 1\ntasks:\n  - name: main\n    engine:\n      type: noop\n");
        var submitted = await CliProcess.RunAsync(dataDir, ["job", "run", spec, .. run]);
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        var jobId = submitted.Stdout.Split("Job ID: ")[1].Split('\n')[0].Trim();

        var executions = await ListAsync(dataDir, ["job", "executions", jobId, .. run]);
        var executionId = Assert.Single(executions).GetProperty("ID").GetString()!;
        var all = await ListAsync(dataDir, ["job", "history", jobId, .. run]);
        var jobLevel = await ListAsync(dataDir, ["job", "history", jobId, "--event-type", "job", .. run]);
        var executionLevel = await ListAsync(dataDir, ["job", "history", jobId, "--event-type", "execution", .. run]);
        Assert.NotEmpty(jobLevel);
        Assert.NotEmpty(executionLevel);
        Assert.All(jobLevel, h => Assert.Equal("JobLevel", h.GetProperty("Type").GetString()));
        Assert.All(executionLevel, h => Assert.Equal("ExecutionLevel", h.GetProperty("Type").GetString()));
        Assert.Equal(all.Count, jobLevel.Count + executionLevel.Count);

        var ofExecution = await ListAsync(dataDir, ["job", "history", jobId, "--execution-id", executionId, .. run]);
        Assert.Equal(executionLevel.Count, ofExecution.Count);
        Assert.All(ofExecution, h => Assert.Equal(executionId, h.GetProperty("ExecutionID").GetString()));
        Assert.Empty(await ListAsync(dataDir, ["job", "history", jobId, "--execution-id", "e-none", .. run]));

        // Paged two events at a time, newest first: every event once.
        var rows = 0;
        var pages = 0;
        string? token = null;
        do
        {
            var page = await CliProcess.RunAsync(dataDir, ["job", "history", jobId, "--limit", "2", "--order-reversed", "--hide-header", .. token is null ? Array.Empty<string>() : ["--next-token", token], .. run]);
            Assert.True(page.ExitCode == 0, page.ToString());
            rows += page.Stdout.Split("\n\n")[0].TrimEnd('\n').Split('\n').Length;
            token = NextToken().Match(page.Stdout) is { Success: true } next ? next.Groups[1].Value : null;
            pages++;
        }
        while (token is not null && pages < 50);
        Assert.Equal(all.Count, rows);
        Assert.Equal((all.Count + 1) / 2, pages);

        var firstOnly = await ListAsync(dataDir, ["job", "executions", jobId, "--limit", "1", "--order-by", "modified_at", .. run]);
        Assert.Equal(executionId, Assert.Single(firstOnly).GetProperty("ID").GetString());
        await AssertRefusedAsync(dataDir, ["job", "history", jobId, "--event-type", "bogus", .. run], "Error: event_type: 'bogus' is not one of all, job, execution");
        await AssertRefusedAsync(dataDir, ["job", "executions", jobId, "--limit", "-1", .. run], "Error: limit must not be negative, got -1");
    }

    [Fact]
    public async Task Nodes_filter_by_labels_approval_and_status()
    {
        await using var cluster = new LocalCluster();
        var (dataDir, run) = await StartAsync(cluster);
        var nodeId = LocalCluster.ComputeNodeId(dataDir);

        Assert.Contains(nodeId, await NodeIdsAsync(dataDir, run, "--labels", "zone=eu"));
        Assert.Contains(nodeId, await NodeIdsAsync(dataDir, run, "--labels", "zone in (eu,us),!gpu"));
        Assert.Empty(await NodeIdsAsync(dataDir, run, "--labels", "zone=us"));
        Assert.Contains(nodeId, await NodeIdsAsync(dataDir, run, "--filter-approval", "approved"));
        Assert.Empty(await NodeIdsAsync(dataDir, run, "--filter-approval", "pending"));
        Assert.Contains(nodeId, await NodeIdsAsync(dataDir, run, "--filter-status", "CONNECTED"));
        Assert.Empty(await NodeIdsAsync(dataDir, run, "--filter-status", "disconnected"));
        Assert.Single(await NodeIdsAsync(dataDir, run, "--order-by", "available_cpu", "--limit", "1"));

        var csv = await CliProcess.RunAsync(dataDir, ["node", "list", "--output", "csv", "--labels", "zone=eu", .. run]);
        Assert.True(csv.ExitCode == 0, csv.ToString());
        Assert.StartsWith("ID,TYPE,ROLE,APPROVAL,STATUS,LABELS,", csv.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{nodeId},Compute,", csv.Stdout, StringComparison.Ordinal);

        await AssertRefusedAsync(dataDir, ["node", "list", "--filter-status", "bogus", .. run], "Error: filter-status: 'bogus' is not one of connected, disconnected");
        await AssertRefusedAsync(dataDir, ["node", "list", "--filter-approval", "maybe", .. run], "Error: filter-approval: 'maybe' is not one of pending, approved, rejected");
        await AssertRefusedAsync(dataDir, ["node", "list", "--order-by", "colour", .. run], "Error: order_by: 'colour' is not one of id, type,");
    }

    /// <summary>A hybrid node labelled zone=eu with its compute side connected; the API flags to reach it.</summary>
    private static async Task<(string DataDir, string[] Api)> StartAsync(LocalCluster cluster)
    {
        var dataDir = cluster.NewDataDir();
        var apiPort = await cluster.StartHybridAsync(dataDir, "-c", "Labels=zone=eu");
        return (dataDir, ["--api-port", $"{apiPort}"]);
    }

    private static Task<List<JsonElement>> JobsAsync(string dataDir, string[] api, params string[] flags) =>
        ListAsync(dataDir, ["job", "list", "--limit", "100", .. flags, .. api]);

    private static async Task<List<string>> NodeIdsAsync(string dataDir, string[] api, params string[] flags) =>
        [.. (await ListAsync(dataDir, ["node", "list", .. flags, .. api])).Select(n => n.GetProperty("Info").GetProperty("NodeID").GetString()!)];

    private static async Task<List<JsonElement>> ListAsync(string dataDir, string[] args)
    {
        var result = await CliProcess.RunAsync(dataDir, [.. args, "--output", "json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = JsonDocument.Parse(result.Stdout);
        return [.. document.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    private static async Task AssertRefusedAsync(string dataDir, string[] args, string message)
    {
        var result = await CliProcess.RunAsync(dataDir, args);
        Assert.NotEqual(0, result.ExitCode);
        Assert.StartsWith(message, result.Stderr.Trim(), StringComparison.Ordinal);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    private static IEnumerable<string> Names(List<JsonElement> jobs) => jobs.Select(j => j.GetProperty("Name").GetString()!);

    private static IEnumerable<string> Ids(List<JsonElement> jobs) => jobs.Select(j => j.GetProperty("ID").GetString()!);

    [GeneratedRegex(@"\bj-[0-9a-f-]{8,}")]
    private static partial Regex JobId();

    [GeneratedRegex(@"--next-token (\S+)")]
    private static partial Regex NextToken();
}

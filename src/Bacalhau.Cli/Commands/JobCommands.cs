using System.CommandLine;
using System.Text.Json;
using Bacalhau.Cli.Formats;
using Bacalhau.Cli.Jobs;
using Bacalhau.Cli.Output;
using Bacalhau.Cli.Results;
using Bacalhau.Client;
using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;
using Bacalhau.JobSpecs;

namespace Bacalhau.Cli.Commands;

/// <summary><c>bacalhau job run|list|describe|executions|history|versions|rerun|validate|stop|logs|get</c>; a job is named by ID, ID prefix or name.</summary>
internal sealed class JobCommands : Command
{
    /// <summary>Bacalhau's job list hides its canary jobs unless <c>--labels</c> says otherwise.</summary>
    private const string DefaultLabelFilter = "bacalhau_canary != true";

    public JobCommands(GlobalOptions globals)
        : base("job", "Submit jobs and follow them")
    {
        Add(Run(globals));
        Add(List(globals));
        Add(Describe(globals));
        Add(Executions(globals));
        Add(History(globals));
        Add(Versions(globals));
        Add(Rerun(globals));
        Add(Validate(globals));
        Add(Stop(globals));
        Add(Logs(globals));
        Add(Get(globals));
    }

    private const string IdDescription = "Job ID, ID prefix or name";

    private static Command Run(GlobalOptions globals)
    {
        var command = new Command("run", "Submit a job spec (YAML or JSON; - reads standard input)");
        var file = new Argument<string>("file") { Description = "Job spec file, or - for standard input" };
        var run = new JobRunOptions();
        var template = new JobTemplateOptions();
        command.Add(file);
        run.AddTo(command);
        template.AddTo(command);
        command.SetAction(globals, (context, cancellationToken) =>
        {
            var variables = template.Read(context.Parse, Environment.GetEnvironmentVariables());
            var spec = JobSpecFile.Read(context.Parse.GetRequiredValue(file), Console.In, variables);
            return JobRunner.RunAsync(context, spec, run.Read(context.Parse), cancellationToken);
        });
        return command;
    }

    private static Command List(GlobalOptions globals)
    {
        var command = new Command("list", "List jobs");
        var labels = new Option<string?>("--labels")
        {
            Description = "Filter jobs by labels, a Kubernetes-style selector (a=b, a!=b, a in (x,y), !a, a)",
            DefaultValueFactory = _ => DefaultLabelFilter,
        };
        var ns = new Option<string?>("--namespace") { Description = "Only jobs in this namespace (* or none: all)" };
        var state = new Option<string?>("--state") { Description = "Only jobs in this state (Pending, Queued, Running, Completed, Failed, Stopped)" };
        var paging = new ListOptions(["created_at", "modified_at", "id"], defaultLimit: 10);
        var output = OutputOptions.Create();
        command.Add(labels);
        command.Add(ns);
        command.Add(state);
        paging.AddTo(command);
        output.AddTo(command);
        command.SetAction(globals, async (context, cancellationToken) =>
        {
            var query = paging.Read(context.Parse, new JobListQuery
            {
                Labels = context.Parse.GetValue(labels),
                Namespace = context.Parse.GetValue(ns),
                State = context.Parse.GetValue(state),
            });
            var response = await context.CreateClient().ListJobsAsync(query, cancellationToken);
            await ListOptions.WritePageAsync(context, output, response.Items, CliJsonContext.Default.IReadOnlyListJob, JobsTable, response.NextToken);
        });
        return command;
    }

    private static Command Describe(GlobalOptions globals)
    {
        var command = new Command("describe", "Show a job, its executions and their output");
        var id = new Argument<string>("id") { Description = IdDescription };
        var output = OutputOptions.Create();
        command.Add(id);
        output.AddTo(command);
        command.SetAction(globals, async (context, cancellationToken) =>
        {
            var response = await context.CreateClient().GetJobAsync(context.Parse.GetRequiredValue(id), ["executions", "history"], cancellationToken);
            var writer = context.Output(output);
            if (!writer.Tabular)
            {
                writer.WriteDocument(JsonSerializer.SerializeToElement(response, BacalhauJsonContext.Default.GetJobResponse));
                return;
            }

            await DescribeAsync(response, writer);
        });
        return command;
    }

    private static Command Executions(GlobalOptions globals)
    {
        var command = new Command("executions", "List the executions of a job");
        var id = new Argument<string>("id") { Description = IdDescription };
        var paging = new ListOptions(["created_at", "modified_at", "id"]);
        var output = OutputOptions.Create();
        command.Add(id);
        paging.AddTo(command);
        output.AddTo(command);
        command.SetAction(globals, async (context, cancellationToken) =>
        {
            var response = await context.CreateClient().ListExecutionsAsync(context.Parse.GetRequiredValue(id), paging.Read(context.Parse, new ListQuery()), cancellationToken);
            await ListOptions.WritePageAsync(context, output, response.Items, CliJsonContext.Default.IReadOnlyListExecution, ExecutionsTable, response.NextToken);
        });
        return command;
    }

    private static Command History(GlobalOptions globals)
    {
        var command = new Command("history", "List the events of a job and its executions");
        var id = new Argument<string>("id") { Description = IdDescription };
        var eventType = new Option<string?>("--event-type") { Description = "The type of history events to return: all, job or execution", DefaultValueFactory = _ => "all" };
        var executionId = new Option<string?>("--execution-id") { Description = "Only the events of this execution" };
        var paging = new ListOptions(["time"]);
        var output = OutputOptions.Create();
        command.Add(id);
        command.Add(eventType);
        command.Add(executionId);
        paging.AddTo(command);
        output.AddTo(command);
        command.SetAction(globals, async (context, cancellationToken) =>
        {
            var query = paging.Read(context.Parse, new HistoryQuery { EventType = context.Parse.GetValue(eventType), ExecutionId = context.Parse.GetValue(executionId) });
            var response = await context.CreateClient().ListHistoryAsync(context.Parse.GetRequiredValue(id), query, cancellationToken);
            await ListOptions.WritePageAsync(context, output, response.Items, CliJsonContext.Default.IReadOnlyListJobHistory, HistoryTable, response.NextToken);
        });
        return command;
    }

    private static Command Versions(GlobalOptions globals)
    {
        var command = new Command("versions", "List the versions of a job: each submission of its name, and each rerun, is one");
        var id = new Argument<string>("id") { Description = IdDescription };
        var output = OutputOptions.Create();
        command.Add(id);
        output.AddTo(command);
        command.SetAction(globals, async (context, cancellationToken) =>
        {
            var response = await context.CreateClient().ListJobVersionsAsync(context.Parse.GetRequiredValue(id), cancellationToken);
            context.Output(output).Write(response.Items, CliJsonContext.Default.IReadOnlyListJob, VersionsTable);
        });
        return command;
    }

    private static Command Rerun(GlobalOptions globals)
    {
        var command = new Command("rerun", "Run a job again as its next version, with the spec of its latest version or of --version");
        var id = new Argument<string>("id") { Description = IdDescription };
        var version = new Option<ulong>("--version") { Description = "Rerun the spec of this version (default: the latest)" };
        var run = new JobRunOptions(submitsSpec: false);
        command.Add(id);
        command.Add(version);
        run.AddTo(command);
        command.SetAction(globals, async (context, cancellationToken) =>
        {
            var settings = run.Read(context.Parse);
            var client = context.CreateClient();
            var rerun = await client.RerunJobAsync(context.Parse.GetRequiredValue(id), context.Parse.GetValue(version), cancellationToken: cancellationToken);
            return await JobRunner.FollowAsync(context, client, rerun.JobID, $"Job successfully rerun. Job ID: {rerun.JobID}, version {rerun.JobVersion}", settings, cancellationToken);
        });
        return command;
    }

    private static Command Validate(GlobalOptions globals)
    {
        var command = new Command("validate", "Check a job spec offline with the orchestrator's own rules, and print OK");
        var file = new Argument<string>("file") { Description = "Job spec file (YAML or JSON), or - for standard input" };
        command.Add(file);
        command.SetAction(globals, async (context, cancellationToken) =>
        {
            var spec = JobSpecFile.ReadJob(context.Parse.GetRequiredValue(file), Console.In, out var name);
            // The server's own limit may differ from the default; it alone knows its message size, too.
            JobSubmission.Prepare(spec, JobSubmission.NewJobId(), JobSubmission.DefaultMaxCount, out var errors);
            if (errors.Count > 0)
            {
                throw new CliException($"{name}: {string.Join("; ", errors)}");
            }

            await context.Out.WriteLineAsync("OK");
        });
        return command;
    }

    private static Command Stop(GlobalOptions globals)
    {
        var command = new Command("stop", "Stop a job");
        var id = new Argument<string>("id") { Description = IdDescription };
        var reason = new Option<string?>("--reason") { Description = "Why; recorded in the job's history" };
        command.Add(id);
        command.Add(reason);
        command.SetAction(globals, async (context, cancellationToken) =>
        {
            var jobId = context.Parse.GetRequiredValue(id);
            var response = await context.CreateClient().StopJobAsync(jobId, context.Parse.GetValue(reason), cancellationToken);
            await context.Out.WriteLineAsync($"Job {jobId} stop requested (evaluation {response.EvaluationID})");
        });
        return command;
    }

    private static Command Logs(GlobalOptions globals)
    {
        var command = new Command("logs", "Print the output of a job's execution (the latest unless --execution-id names one)");
        var id = new Argument<string>("id") { Description = IdDescription };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new output until the execution ends" };
        var executionId = new Option<string?>("--execution-id", "-e") { Description = "Execution ID" };
        var tail = new Option<int?>("--tail", "-t")
        {
            Description = "Start N lines before the end of stdout and of stderr; without N, print only the output still to come",
            HelpName = "N",
            Arity = ArgumentArity.ZeroOrOne,
            CustomParser = TailLines,
        };
        command.Add(id);
        command.Add(follow);
        command.Add(executionId);
        command.Add(tail);
        command.SetAction(globals, (context, cancellationToken) =>
        {
            var lines = context.CreateClient().StreamLogsAsync(context.Parse.GetRequiredValue(id), context.Parse.GetValue(executionId), context.Parse.GetValue(follow), context.Parse.GetValue(tail), cancellationToken);
            return JobRunner.PrintLogsAsync(lines, context);
        });
        return command;
    }

    /// <summary><c>--tail N</c>, or a bare <c>--tail</c> as Bacalhau's flag is: 0 lines, only what comes next.</summary>
    private static int? TailLines(System.CommandLine.Parsing.ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
        {
            return 0;
        }

        if (int.TryParse(result.Tokens[0].Value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var lines))
        {
            return lines;
        }

        result.AddError($"--tail takes a number of lines, not '{result.Tokens[0].Value}' (alone, put it after the job ID)");
        return null;
    }

    private static Command Get(GlobalOptions globals)
    {
        var command = new Command("get", "Download the results of a job: stdout, stderr, exitCode and its result paths");
        var id = new Argument<string>("id") { Description = IdDescription };
        var download = new DownloadOptions(withSwitch: false);
        command.Add(id);
        download.AddTo(command);
        command.SetAction(globals, (context, cancellationToken) =>
        {
            var jobId = context.Parse.GetRequiredValue(id);
            if (jobId.Contains('/', StringComparison.Ordinal))
            {
                // Bacalhau's <id>/<path> asks for one file, which only its IPFS downloader knew how to fetch.
                throw new CliException($"'{jobId}': downloading one file of a result is not supported; download the job's results and take the file from them");
            }

            var settings = download.Read(context.Parse)!;
            return new ResultDownloader(context.CreateClient(), context.Out, context.Error).DownloadAsync(jobId, settings, cancellationToken);
        });
        return command;
    }

    private static async Task DescribeAsync(GetJobResponse response, OutputWriter writer)
    {
        var output = writer.Out;
        var job = response.Job;
        var overview = Table.KeyValue()
            .Add("ID", job.ID)
            .Add("Name", job.Name)
            .Add("Namespace", job.Namespace)
            .Add("Type", job.Type)
            .Add("State", job.State.StateType.ToString())
            .Add("Message", job.State.Message)
            .Add("Count", job.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Add("Created", Formatting.UnixNanos(job.CreateTime))
            .Add("Modified", Formatting.UnixNanos(job.ModifyTime));
        await output.WriteAsync(writer.Render(overview));

        var executions = response.Executions?.Items ?? [];
        if (executions.Count > 0)
        {
            await output.WriteLineAsync("\nExecutions");
            await output.WriteAsync(writer.Render(ExecutionsTable(executions)));
        }

        foreach (var execution in executions.Where(e => !string.IsNullOrEmpty(e.RunOutput?.Stdout)))
        {
            await output.WriteLineAsync($"\nStandard output of {execution.ID}");
            await output.WriteLineAsync(execution.RunOutput!.Stdout.TrimEnd('\n'));
        }
    }

    private static Table JobsTable(IReadOnlyList<Job> jobs)
    {
        var table = new Table("CREATED", "ID", "JOB", "TYPE", "STATE");
        foreach (var job in jobs)
        {
            table.Add(Formatting.UnixNanos(job.CreateTime), job.ID, job.Name, job.Type, job.State.StateType.ToString());
        }

        return table;
    }

    private static Table VersionsTable(IReadOnlyList<Job> versions)
    {
        var table = new Table("VERSION", "MODIFIED", "STATE", "MESSAGE");
        foreach (var job in versions)
        {
            table.Add(job.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), Formatting.UnixNanos(job.ModifyTime), job.State.StateType.ToString(), job.State.Message);
        }

        return table;
    }

    private static Table ExecutionsTable(IReadOnlyList<Execution> executions)
    {
        var table = new Table("CREATED", "MODIFIED", "ID", "NODE ID", "REV.", "COMPUTE STATE", "DESIRED STATE");
        foreach (var e in executions)
        {
            table.Add(
                Formatting.UnixNanos(e.CreateTime),
                Formatting.UnixNanos(e.ModifyTime),
                e.ID,
                e.NodeID,
                e.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture),
                e.ComputeState.StateType.ToString(),
                e.DesiredState.StateType.ToString());
        }

        return table;
    }

    private static Table HistoryTable(IReadOnlyList<JobHistory> history)
    {
        var table = new Table("TIME", "LEVEL", "EXEC. ID", "STATE", "EVENT");
        foreach (var h in history)
        {
            var state = h.Type == JobHistoryType.JobLevel
                ? h.JobState is { } js ? $"{js.Previous} -> {js.New}" : ""
                : h.ExecutionState is { } es ? $"{es.Previous} -> {es.New}" : "";
            table.Add(Formatting.Time(h.Time), h.Type == JobHistoryType.JobLevel ? "Job" : "Execution", h.ExecutionID, state, h.Event.Message);
        }

        return table;
    }
}

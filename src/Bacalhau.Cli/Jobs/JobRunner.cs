using System.Text.Json;
using Bacalhau.Cli.Commands;
using Bacalhau.Cli.Output;
using Bacalhau.Cli.Results;
using Bacalhau.Client;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Cli.Jobs;

/// <summary>Submits a job and, unless told not to, follows it to the end and prints what it wrote.</summary>
internal static class JobRunner
{
    /// <returns>The exit code: non-zero when the job failed.</returns>
    public static async Task<int> RunAsync(CommandContext context, JsonElement job, RunSettings run, CancellationToken cancellationToken)
    {
        var client = context.CreateClient();
        if (run.DryRun)
        {
            await DryRunAsync(context, client, job, cancellationToken);
            return 0;
        }

        var submitted = await client.PutJobAsync(job, run.Force, cancellationToken);
        foreach (var warning in submitted.Warnings)
        {
            await context.Error.WriteLineAsync($"Warning: {warning}");
        }

        return await FollowAsync(context, client, submitted.JobID, $"Job successfully submitted. Job ID: {submitted.JobID}", run, cancellationToken);
    }

    /// <summary>
    /// Follows a job just submitted or rerun as <paramref name="run"/> asks, after printing <paramref name="headline"/>
    /// (the ID alone with <c>--id-only</c>).
    /// </summary>
    /// <returns>The exit code: non-zero when the job failed.</returns>
    public static async Task<int> FollowAsync(CommandContext context, BacalhauClient client, string jobId, string headline, RunSettings run, CancellationToken cancellationToken)
    {
        await context.Out.WriteLineAsync(run.IdOnly ? jobId : headline);
        if (!run.Wait)
        {
            if (!run.IdOnly)
            {
                await context.Out.WriteLineAsync($"To get more details about the run, execute:\n\tbacalhau job describe {jobId}");
            }

            return 0;
        }

        if (run.Follow)
        {
            // The output streams live; the final state is checked quietly afterwards.
            await PrintLogsAsync(client.StreamLogsAsync(jobId, follow: true, cancellationToken: cancellationToken), context);
        }

        Job final;
        await using (var progress = run.IdOnly || run.Follow ? null : CreateProgress(context, client))
        {
            final = await WaitAsync(client, jobId, progress, run.WaitTimeout, cancellationToken);
        }

        if (!run.IdOnly && !run.Follow)
        {
            await PrintOutputAsync(client, jobId, context.Out, cancellationToken);
        }

        // What the executions published is downloaded whatever the end, as a failed job's output tells why.
        if (run.Download is { } download)
        {
            await new ResultDownloader(client, context.Out, context.Error).DownloadAsync(jobId, download, cancellationToken);
        }

        if (final.State.StateType == JobStateType.Failed)
        {
            throw new CliException($"job {jobId} failed: {(string.IsNullOrEmpty(final.State.Message) ? "see `bacalhau job describe " + jobId + "`" : final.State.Message)}");
        }

        return 0;
    }

    /// <summary>
    /// What submitting <paramref name="job"/> would change in the job of its name, as the orchestrator compares them;
    /// the job as it would be submitted when it has no name, no job has it, or the orchestrator cannot be reached.
    /// </summary>
    private static async Task DryRunAsync(CommandContext context, BacalhauClient client, JsonElement job, CancellationToken cancellationToken)
    {
        var name = job.TryGetProperty(nameof(Job.Name), out var named) && named.ValueKind == JsonValueKind.String ? named.GetString() : null;
        if (!string.IsNullOrEmpty(name))
        {
            try
            {
                var diff = await client.DiffJobAsync(job, cancellationToken);
                await context.Out.WriteAsync(diff.Diff.Length == 0 ? $"No diff detected: the spec is that of job '{name}'.\n" : diff.Diff);
                return;
            }
            catch (BacalhauApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                await context.Error.WriteLineAsync($"No job is named '{name}': submitting would create it.");
            }
            catch (OrchestratorUnreachableException ex)
            {
                await context.Error.WriteLineAsync($"Warning: {ex.Message}; showing the spec as it would be submitted");
            }
        }

        await context.Out.WriteLineAsync(OutputWriter.ToIndentedJson(job));
    }

    /// <summary>Follows the job until it reaches Completed, Failed or Stopped, reporting each new revision to <paramref name="progress"/>.</summary>
    public static async Task<Job> WaitAsync(BacalhauClient client, string jobId, IJobProgress? progress, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            // The sequence ends with the job's terminal state.
            Job job = null!;
            await foreach (var next in client.FollowJobAsync(jobId, deadline.Token))
            {
                job = next;
                if (progress is not null)
                {
                    await progress.ReportAsync(job, deadline.Token);
                }
            }

            return job;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"job {jobId} did not finish within {timeout.TotalSeconds:F0} s; it keeps running: see `bacalhau job describe {jobId}`");
        }
    }

    /// <summary>A status line redrawn in place on a terminal; a line per state when piped, where it is read as a log.</summary>
    private static IJobProgress CreateProgress(CommandContext context, BacalhauClient client) =>
        context.Style is { Live: true } style ? new LiveJobProgress(context.Out, client, style.Colour) : new PlainJobProgress(context.Out);

    /// <summary>Prints log lines as they come: stdout lines to standard output, stderr lines to standard error.</summary>
    public static async Task PrintLogsAsync(IAsyncEnumerable<Contracts.Protocol.ExecutionLogLine> lines, CommandContext context)
    {
        await foreach (var line in lines)
        {
            await (line.Type == Contracts.Protocol.ExecutionLogType.Stderr ? context.Error : context.Out).WriteLineAsync(line.Line);
        }
    }

    private static async Task PrintOutputAsync(BacalhauClient client, string jobId, TextWriter output, CancellationToken cancellationToken)
    {
        var executions = (await client.ListExecutionsAsync(jobId, cancellationToken)).Items.Where(e => e.RunOutput is not null).ToList();
        foreach (var execution in executions)
        {
            if (executions.Count > 1)
            {
                await output.WriteLineAsync($"\nExecution {execution.ID} on {execution.NodeID}:");
            }

            var stdout = execution.RunOutput!.Stdout;
            await output.WriteAsync(stdout.EndsWith('\n') || stdout.Length == 0 ? stdout : stdout + "\n");
        }
    }
}

using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Cli.Jobs;

/// <summary>A line per new state, for output that is piped or read by a program.</summary>
internal sealed class PlainJobProgress(TextWriter output) : IJobProgress
{
    private JobStateType? _last;

    public async Task ReportAsync(Job job, CancellationToken cancellationToken)
    {
        if (_last is null)
        {
            await output.WriteLineAsync("Checking job status... (Ctrl+C stops waiting; the job keeps running)");
        }

        if (job.State.StateType != _last)
        {
            var message = string.IsNullOrEmpty(job.State.Message) ? "" : $": {job.State.Message}";
            await output.WriteLineAsync($"  {DateTime.UtcNow:HH:mm:ss}  {job.State.StateType}{message}");
        }

        _last = job.State.StateType;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

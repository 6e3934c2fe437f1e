using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Cli.Jobs;

/// <summary>Shows a job's progress while the CLI waits for it; disposing ends the display.</summary>
internal interface IJobProgress : IAsyncDisposable
{
    /// <summary>The job as it now is (called for every new revision, first and last included).</summary>
    Task ReportAsync(Job job, CancellationToken cancellationToken);
}

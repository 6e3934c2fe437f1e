using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Cli.Jobs;

/// <summary>What the status line shows of a job being waited for.</summary>
internal sealed record JobStatus(JobStateType State, IReadOnlyList<string> Nodes, TimeSpan Elapsed);

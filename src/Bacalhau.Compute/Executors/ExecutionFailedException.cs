using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Compute.Executors;

/// <summary>
/// The task ran but did not do its job (killed for exceeding its memory, an image that cannot be had, ...): the
/// execution fails with <see cref="Exception.Message"/>, keeping whatever output the task produced.
/// </summary>
internal sealed class ExecutionFailedException(string message, RunCommandResult? result = null) : Exception(message)
{
    public RunCommandResult? Result { get; } = result;
}

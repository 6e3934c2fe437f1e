using Bacalhau.Core.Models.Jobs;

namespace Bacalhau.Compute.Executors;

/// <summary>Runs the task of an execution on one engine (noop, docker, wasm).</summary>
public interface IExecutor
{
    /// <summary>The engine name jobs ask for in <c>Tasks[0].Engine.Type</c>.</summary>
    string Engine { get; }

    /// <summary>Runs to the end; <paramref name="cancellationToken"/> fires on cancel or timeout.</summary>
    Task<RunCommandResult> RunAsync(Execution execution, CancellationToken cancellationToken);
}

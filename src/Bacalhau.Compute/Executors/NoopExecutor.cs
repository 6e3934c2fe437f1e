using System.Globalization;
using System.Text.Json;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Compute.Executors;

/// <summary>
/// Succeeds with exit code 0 and no output: for tests and for measuring the system's own overhead. An optional
/// <c>Duration</c> parameter (seconds) keeps it running that long, so stopping and crash recovery can be exercised.
/// </summary>
internal sealed class NoopExecutor : IExecutor
{
    private static readonly Task<RunCommandResult> Done = Task.FromResult(new RunCommandResult());

    public string Engine => EngineTypes.Noop;

    public Task<bool> IsAvailableAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    public Task<RunCommandResult> RunAsync(ExecutionRequest request, CancellationToken cancellationToken) =>
        DurationOf(request.Task.Engine) is { } duration ? RunForAsync(duration, cancellationToken) : Done;

    private static async Task<RunCommandResult> RunForAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        await Task.Delay(duration, cancellationToken);
        return new RunCommandResult();
    }

    private static TimeSpan? DurationOf(SpecConfig engine)
    {
        if (!engine.TryGetParam("Duration", out var value))
        {
            return null;
        }

        var seconds = value.ValueKind == JsonValueKind.Number ? value.GetDouble()
            : double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        return seconds > 0 ? TimeSpan.FromSeconds(seconds) : null;
    }
}

using System.CommandLine;
using System.Text.Json;
using Bacalhau.Cli.Jobs;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.Cli.Commands;

/// <summary>
/// <c>bacalhau ENGINE run ...</c>: a one-task batch job on one engine. The engine's command adds its own arguments and
/// options, then <see cref="AddJobOptions"/> the ones every engine shares, and builds the job from them.
/// </summary>
internal abstract class EngineRunCommand(string description) : Command("run", description)
{
    private readonly JobSpecOptions _spec = new();
    private readonly JobRunOptions _run = new();

    /// <summary>The job that <paramref name="parse"/> asks for.</summary>
    public Job BuildJob(ParseResult parse) => BuildJob(parse, _spec.Read(parse));

    protected abstract Job BuildJob(ParseResult parse, JobSettings settings);

    /// <summary>Adds the job's shared options (after the engine's own, so that help lists those first) and the action that submits it.</summary>
    protected void AddJobOptions(GlobalOptions globals)
    {
        _spec.AddTo(this);
        _run.AddTo(this);
        this.SetAction(globals, (context, cancellationToken) =>
            JobRunner.RunAsync(context, JsonSerializer.SerializeToElement(BuildJob(context.Parse), BacalhauJsonContext.Default.Job), _run.Read(context.Parse), cancellationToken));
    }
}

/// <summary>An engine's command group, <c>bacalhau docker</c> or <c>bacalhau wasm</c>, holding its <c>run</c>.</summary>
internal sealed class EngineCommands : Command
{
    public EngineCommands(string name, string description, EngineRunCommand run)
        : base(name, description)
    {
        Add(run);
    }
}

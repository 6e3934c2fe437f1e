using System.CommandLine;
using System.Text.Json;
using Bacalhau.Cli.Jobs;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.Cli.Commands;

/// <summary><c>bacalhau wasm run MODULE [-- ARGS...]</c>: a one-task batch job on the WASM engine.</summary>
internal sealed class WasmCommands : Command
{
    public WasmCommands(GlobalOptions globals)
        : base("wasm", "Run WebAssembly modules as jobs")
    {
        Add(new WasmRunCommand(globals));
    }
}

internal sealed class WasmRunCommand : Command
{
    private readonly Argument<string> _module = new("module") { Description = "A .wasm file, or an http(s) URL of one" };
    private readonly Argument<string[]> _arguments = new("args") { Description = "Arguments of the module, after --", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<string> _entrypoint = new("--entry-point") { Description = "Function to call", DefaultValueFactory = _ => "_start" };
    private readonly JobSpecOptions _spec = new();
    private readonly JobRunOptions _run = new();

    public WasmRunCommand(GlobalOptions globals)
        : base("run", "Run a WebAssembly module as a job")
    {
        Add(_module);
        Add(_arguments);
        Add(_entrypoint);
        _spec.AddTo(this);
        _run.AddTo(this);
        this.SetAction(globals, (context, cancellationToken) =>
            JobRunner.RunAsync(context, JsonSerializer.SerializeToElement(BuildJob(context.Parse), BacalhauJsonContext.Default.Job), _run.Read(context.Parse), cancellationToken));
    }

    public Job BuildJob(ParseResult parse) => JobBuilder.Wasm(
        JobBuilder.WasmModule(parse.GetRequiredValue(_module)),
        parse.GetRequiredValue(_entrypoint),
        parse.GetValue(_arguments) ?? [],
        _spec.Read(parse));
}

using System.CommandLine;
using Bacalhau.Cli.Jobs;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Cli.Commands;

/// <summary><c>bacalhau wasm run MODULE [-- ARGS...]</c>: a one-task batch job on the WASM engine.</summary>
internal sealed class WasmRunCommand : EngineRunCommand
{
    private readonly Argument<string> _module = new("module") { Description = "A .wasm file, or an http(s) URL of one" };
    private readonly Argument<string[]> _arguments = new("args") { Description = "Arguments of the module, after --", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<string> _entrypoint = new("--entry-point") { Description = "Function to call", DefaultValueFactory = _ => "_start" };

    public WasmRunCommand(GlobalOptions globals)
        : base("Run a WebAssembly module as a job")
    {
        Add(_module);
        Add(_arguments);
        Add(_entrypoint);
        AddJobOptions(globals);
    }

    protected override Job BuildJob(ParseResult parse, JobSettings settings) => JobBuilder.Wasm(
        JobBuilder.WasmModule(parse.GetRequiredValue(_module)),
        parse.GetRequiredValue(_entrypoint),
        parse.GetValue(_arguments) ?? [],
        settings);
}

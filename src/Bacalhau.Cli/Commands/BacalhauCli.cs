using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net.Sockets;
using System.Text.Json;
using Bacalhau.Client;

namespace Bacalhau.Cli.Commands;

/// <summary>The <c>bacalhau</c> command tree, and the one place where failures become one line on stderr.</summary>
internal static class BacalhauCli
{
    public static RootCommand CreateRootCommand(GlobalOptions globals)
    {
        var root = new RootCommand("Bacalhau: compute over data. Submit jobs to an orchestrator, or run one with `bacalhau serve`.");
        globals.AddTo(root);
        root.Add(new VersionCommand(globals));
        root.Add(new IdCommand(globals));
        root.Add(new AgentCommands(globals));
        root.Add(new NodeCommands(globals));
        root.Add(new JobCommands(globals));
        root.Add(new EngineCommands("docker", "Run Docker containers as jobs", new DockerRunCommand(globals)));
        root.Add(new EngineCommands("wasm", "Run WebAssembly modules as jobs", new WasmRunCommand(globals)));
        root.Add(new ConfigCommands(globals));
        root.Add(new AuthCommands(globals));
        root.Add(new ServeCommand(globals));
        root.Add(new CompletionCommand(globals));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var parse = CreateRootCommand(new GlobalOptions()).Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not { ClearsParseErrors: true })
        {
            await stderr.WriteLineAsync($"Error: {OneLine(FirstError(parse))} (see `{CommandPath(parse.CommandResult)} --help`)");
            return 1;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,
                // `serve` stops through the host's own signal handling; other commands may simply end.
                ProcessTerminationTimeout = null,
            });
        }
        catch (Exception ex)
        {
            var error = Unwrap(ex);
            var (message, code) = Describe(error);
            await stderr.WriteLineAsync($"Error: {OneLine(message)}");
            if (error is BacalhauApiException { Hint: { } hint })
            {
                // The server's suggestion of what to do, on a line of its own as Bacalhau's CLI shows it.
                await stderr.WriteLineAsync($"Hint: {OneLine(hint)}");
            }

            return code;
        }
    }

    /// <summary>An unknown word says more than the missing subcommand it causes.</summary>
    private static string FirstError(ParseResult parse) =>
        parse.Errors.Select(e => e.Message).OrderBy(m => m.StartsWith("Unrecognized", StringComparison.Ordinal) ? 0 : 1).First();

    /// <summary>"bacalhau job run" for the command that was parsed.</summary>
    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? result = command; result is CommandResult { Parent: var parent } current; result = parent)
        {
            names.Insert(0, current.Parent is null ? "bacalhau" : current.Command.Name);
        }

        return string.Join(' ', names);
    }

    private static Exception Unwrap(Exception ex) => ex switch
    {
        AggregateException { InnerExceptions.Count: 1 } aggregate => Unwrap(aggregate.InnerExceptions[0]),
        System.Reflection.TargetInvocationException { InnerException: { } inner } => Unwrap(inner),
        _ => ex,
    };

    private static (string Message, int ExitCode) Describe(Exception ex) => ex switch
    {
        CliException cli => (cli.Message, cli.ExitCode),
        Microsoft.Extensions.Options.OptionsValidationException invalid => (invalid.Message, 1),
        BacalhauApiException api => (api.Message, 1),
        OrchestratorUnreachableException unreachable => (unreachable.Message, 1),
        HttpRequestException http => ($"request to the orchestrator failed: {http.Message}", 1),
        JsonException json => ($"invalid JSON: {json.Message}", 1),
        OperationCanceledException => ("cancelled", 130),
        IOException { InnerException: SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } } io => ($"{io.Message} Pick another port with --api-port.", 1),
        IOException or UnauthorizedAccessException or FormatException or InvalidOperationException or InvalidDataException => (ex.Message, 1),
        _ => ($"unexpected {ex.GetType().Name}: {ex.Message}", 1),
    };

    private static string OneLine(string message) =>
        string.Join("; ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

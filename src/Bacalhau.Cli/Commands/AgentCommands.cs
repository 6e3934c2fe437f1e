using System.CommandLine;
using Bacalhau.Cli.Output;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.Cli.Commands;

/// <summary><c>bacalhau agent alive|version|node|config</c>: about the orchestrator the CLI talks to.</summary>
internal sealed class AgentCommands : Command
{
    public AgentCommands(GlobalOptions globals)
        : base("agent", "Query the orchestrator the CLI is connected to")
    {
        Add(Alive(globals));
        Add(Version(globals));
        Add(Node(globals));
        Add(Config(globals));
    }

    private static Command Alive(GlobalOptions globals)
    {
        var command = new Command("alive", "Check that the orchestrator is alive");
        var output = OutputOptions.Create();
        output.AddTo(command);
        command.SetAction(globals, async (context, cancellationToken) =>
        {
            var alive = await context.CreateClient().AliveAsync(cancellationToken);
            context.Output(output).Write(alive, BacalhauJsonContext.Default.IsAliveResponse, a => Table.KeyValue().Add("Status", a.Status));
        });
        return command;
    }

    private static Command Version(GlobalOptions globals)
    {
        var command = new Command("version", "The orchestrator's version");
        var output = OutputOptions.Create();
        output.AddTo(command);
        command.SetAction(globals, async (context, cancellationToken) =>
        {
            var version = await context.CreateClient().VersionAsync(cancellationToken);
            context.Output(output).Write(version, BacalhauJsonContext.Default.BuildVersionInfo, VersionTable);
        });
        return command;
    }

    private static Command Config(GlobalOptions globals)
    {
        var command = new Command("config", "The orchestrator's effective configuration (secrets redacted)");
        var output = OutputOptions.Create(OutputFormat.Yaml);
        output.AddTo(command);
        command.SetAction(globals, async (context, cancellationToken) =>
        {
            var config = await context.CreateClient().AgentConfigAsync(cancellationToken);
            context.Output(output).WriteDocument(config);
        });
        return command;
    }

    private static Command Node(GlobalOptions globals)
    {
        var command = new Command("node", "The orchestrator's own node info");
        var output = OutputOptions.Create(OutputFormat.Yaml);
        output.AddTo(command);
        command.SetAction(globals, async (context, cancellationToken) =>
        {
            var node = await context.CreateClient().AgentNodeAsync(cancellationToken);
            context.Output(output).Write(node, BacalhauJsonContext.Default.NodeInfo, n => Table.KeyValue()
                .Add("ID", n.NodeID)
                .Add("Type", n.NodeType.ToString())
                .Add("Labels", Formatting.Labels(n.Labels))
                .Add("Protocols", string.Join(", ", n.SupportedProtocols))
                .Add("Version", n.BacalhauVersion.GitVersion));
        });
        return command;
    }

    private static Table VersionTable(BuildVersionInfo v) => Table.KeyValue()
        .Add("Version", v.GitVersion)
        .Add("Commit", v.GitCommit)
        .Add("Build date", v.BuildDate)
        .Add("Platform", $"{v.GOOS}/{v.GOARCH}");
}

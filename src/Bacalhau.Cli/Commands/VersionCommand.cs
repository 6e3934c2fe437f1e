using System.CommandLine;
using Bacalhau.Cli.Formats;
using Bacalhau.Cli.Output;
using Bacalhau.Client;
using Bacalhau.Contracts.Models;

namespace Bacalhau.Cli.Commands;

/// <summary>What <c>bacalhau version</c> reports: this client's version and, when it answers, the orchestrator's.</summary>
internal sealed record VersionReport(BuildVersionInfo ClientVersion, BuildVersionInfo? ServerVersion, string? ServerError);

internal sealed class VersionCommand : Command
{
    private static readonly TimeSpan ServerTimeout = TimeSpan.FromSeconds(3);

    public VersionCommand(GlobalOptions globals)
        : base("version", "Print the client version, and the server's when it is reachable")
    {
        var output = OutputOptions.Create();
        output.AddTo(this);
        this.SetAction(globals, async (context, cancellationToken) =>
        {
            BuildVersionInfo? server = null;
            string? error = null;
            try
            {
                server = await context.CreateClient(ServerTimeout).VersionAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OrchestratorUnreachableException or BacalhauApiException)
            {
                error = ex.Message;
            }

            var report = new VersionReport(BuildVersionInfo.Current, server, error);
            context.Output(output).Write(report, CliJsonContext.Default.VersionReport, r => new Table("CLIENT", "SERVER")
                .Add(r.ClientVersion.GitVersion, r.ServerVersion?.GitVersion ?? "unavailable"));
        });
    }
}

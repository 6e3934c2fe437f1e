using System.CommandLine;
using Bacalhau.Cli.Configuration;
using Bacalhau.Cli.Output;
using Bacalhau.Cli.Serve;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.Cli.Commands;

/// <summary>
/// <c>bacalhau id</c>: the identity of the node in the data directory (the one <c>bacalhau serve</c> runs there), read
/// from its key file like Bacalhau's own; a running orchestrator reports the same at <c>GET /api/v1/id</c>.
/// </summary>
internal sealed class IdCommand : Command
{
    public IdCommand(GlobalOptions globals)
        : base("id", "Show the identity (node ID, peer ID, public key, addresses) of the node in the data directory")
    {
        var port = new Option<string?>("--port") { Description = "The node's NATS port (as given to serve); names its key file private_key.<port>, default 1235" };
        var output = OutputOptions.Create();
        Add(port);
        output.AddTo(this);
        TreatUnmatchedTokensAsErrors = false;
        this.SetAction(globals, (context, _) =>
        {
            var flags = ConfigFlags.Parse(context.Parse.UnmatchedTokens);
            if (context.Parse.GetValue(port) is { } p)
            {
                flags.Add((ConfigKeys.OrchestratorPort, p));
            }

            var identity = LocalIdentity.Describe(globals.LoadSettings(context.Parse, flags));
            context.Output(output).Write(identity, BacalhauJsonContext.Default.NodeIdentityResponse, i => Table.KeyValue()
                .Add("ID", i.ID)
                .Add("Peer ID", i.PeerID)
                .Add("Addresses", string.Join(", ", i.Addresses))
                .Add("Public key", i.PublicKey));
            return Task.CompletedTask;
        });
    }
}

using System.CommandLine;
using Bacalhau.Cli.Configuration;
using Bacalhau.Cli.Serve;
using Bacalhau.Client;

namespace Bacalhau.Cli.Commands;

/// <summary>
/// <c>bacalhau serve</c>: an orchestrator, a compute node, or both in one process. Besides its own flags it takes
/// any config key as a flag (<c>--Compute.Orchestrators=token@host:4222</c>).
/// </summary>
internal sealed class ServeCommand : Command
{
    public ServeCommand(GlobalOptions globals)
        : base("serve", "Run a Bacalhau node: orchestrator, compute or both (hybrid)")
    {
        var orchestrator = new Option<bool>("--orchestrator") { Description = "Run an orchestrator, with its own NATS server" };
        var compute = new Option<bool>("--compute") { Description = "Run a compute node" };
        var host = new Option<string?>("--host") { Description = "Address the REST API listens on (default 0.0.0.0)" };
        var port = new Option<string?>("--port")
        {
            Description = "Port of the orchestrator's NATS server (default 4222); also names the node's key file private_key.<port> (default private_key.1235)",
        };
        var peer = new Option<string?>("--peer")
        {
            Description = "Orchestrators a compute node joins, as comma-separated multiaddrs: /ip4/<ip>/tcp/<NATS port>[/p2p/<peer ID>] " +
                "(/ip6, /dns4 too), or the orchestrator's REST API as /ip4/<ip>/tcp/<API port>/http (or /https); the orchestrator " +
                "must prove its peer ID, asked from its REST API when not given",
            HelpName = "multiaddr,...",
        };
        Add(orchestrator);
        Add(compute);
        Add(host);
        Add(port);
        Add(peer);

        // Unknown tokens are config keys given as flags; ConfigFlags rejects anything else.
        TreatUnmatchedTokensAsErrors = false;

        this.SetAction(globals, async (context, cancellationToken) =>
        {
            var parse = context.Parse;
            var flags = new List<(ConfigKey, string)>();
            if (parse.GetValue(host) is { } h)
            {
                flags.Add((ConfigKeys.ApiHost, h));
            }

            if (parse.GetValue(port) is { } p)
            {
                flags.Add((ConfigKeys.OrchestratorPort, p));
            }

            var peers = parse.GetValue(peer) is { } given ? PeerFlag.Split(given) : null;
            flags.AddRange(ConfigFlags.Parse(parse.UnmatchedTokens));
            var settings = globals.LoadSettings(parse, flags);

            var roles = parse.GetValue(orchestrator) || parse.GetValue(compute)
                ? new NodeRoles(parse.GetValue(orchestrator), parse.GetValue(compute))
                : new NodeRoles(settings.Get(ConfigKeys.OrchestratorEnabled) == "true", settings.Get(ConfigKeys.ComputeEnabled) == "true");
            if (!roles.Orchestrator && !roles.Compute)
            {
                context.Error.WriteLine("Warning: neither --orchestrator nor --compute was given: running an orchestrator");
                roles = new NodeRoles(Orchestrator: true, Compute: false);
            }

            if (peers is not null && !roles.Compute)
            {
                await context.Error.WriteLineAsync("Warning: --peer names the orchestrators a compute node joins, and this node runs no compute node");
            }
            else if (peers is not null)
            {
                // After the settings are read: an API given as .../https is reached with the configured CA file.
                var resolved = await PeerFlag.ResolveAsync(peers, new BacalhauClientOptions(CaCertificateFile: settings.Get(ConfigKeys.ApiTlsCaCert)), cancellationToken);
                settings.Override(ConfigValue.Parse(ConfigKeys.ComputeOrchestrators, resolved));
                await context.Out.WriteLineAsync($"Joining the orchestrators at {resolved}");
            }

            return await ServeHost.RunAsync(settings, roles, context.Out, cancellationToken);
        });
    }
}

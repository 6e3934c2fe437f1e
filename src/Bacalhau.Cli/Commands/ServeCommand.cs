using System.CommandLine;
using Bacalhau.Cli.Configuration;
using Bacalhau.Cli.Serve;

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
        var port = new Option<string?>("--port") { Description = "Port of the orchestrator's NATS server (default 4222)" };
        Add(orchestrator);
        Add(compute);
        Add(host);
        Add(port);

        // Unknown tokens are config keys given as flags; ConfigFlags rejects anything else.
        TreatUnmatchedTokensAsErrors = false;

        this.SetAction(globals, (context, cancellationToken) =>
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

            return ServeHost.RunAsync(settings, roles, context.Out, cancellationToken);
        });
    }
}

using Bacalhau.Core.Api;
using Bacalhau.Core.Models;
using Bacalhau.ServiceDefaults.Nats;

namespace Bacalhau.Orchestrator.Api;

public static class AgentEndpoints
{
    public static IEndpointRouteBuilder MapAgentEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var agent = endpoints.MapGroup("/api/v1/agent").WithTags("Agent");
        agent.MapGet("/alive", () => new IsAliveResponse());
        agent.MapGet("/version", () => BuildVersionInfo.Current);
        agent.MapGet("/node", (OrchestratorIdentity identity, NatsClientSettings nats) => identity.ToNodeInfo(nats));
        agent.MapGet("/config", (IConfiguration configuration) => Results.Text(AgentConfig.Describe(configuration).ToJsonString(), "application/json"));
        // The seeds' `bacalhau id`, and how a compute node given an orchestrator's address without /p2p/ learns its peer ID.
        endpoints.MapGet("/api/v1/id", (OrchestratorIdentity identity, NatsClientSettings nats) => identity.Describe(nats)).WithTags("Agent");
        return endpoints;
    }
}

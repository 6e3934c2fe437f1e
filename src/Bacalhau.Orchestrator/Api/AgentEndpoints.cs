using System.Text.Json;
using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Models;
using Bacalhau.Orchestrator.Auth;
using Bacalhau.Orchestrator.Cluster;
using Bacalhau.ServiceDefaults.Nats;

namespace Bacalhau.Orchestrator.Api;

internal static class AgentEndpoints
{
    public static IEndpointRouteBuilder MapAgentEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var agent = endpoints.MapGroup("/api/v1/agent").WithTags("Agent");
        agent.MapGet("/alive", () => new IsAliveResponse()).AllowAnonymous();
        agent.MapGet("/version", () => BuildVersionInfo.Current).AllowAnonymous();
        agent.MapGet("/node", (OrchestratorNode self) => self.State.Info).RequirePermission(ApiPermissions.ReadAgent);
        // The configuration's keys as JSON written by hand (AgentConfig): an object of no fixed shape.
        agent.MapGet("/config", (IConfiguration configuration) => Results.Text(AgentConfig.Describe(configuration).ToJsonString(), "application/json"))
            .Produces<JsonElement>()
            .RequirePermission(ApiPermissions.ReadAgent);
        // The seeds' `bacalhau id`, and how a compute node given an orchestrator's address without /p2p/ learns its peer ID:
        // compute nodes hold no API key, and a peer ID and public key are no secret.
        endpoints.MapGet("/api/v1/id", (OrchestratorIdentity identity, NatsClientSettings nats) => identity.Describe(nats)).WithTags("Agent").AllowAnonymous();
        return endpoints;
    }
}

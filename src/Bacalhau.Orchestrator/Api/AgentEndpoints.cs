using Bacalhau.Core.Api;
using Bacalhau.Core.Models;

namespace Bacalhau.Orchestrator.Api;

public static class AgentEndpoints
{
    public static IEndpointRouteBuilder MapAgentEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var agent = endpoints.MapGroup("/api/v1/agent").WithTags("Agent");
        agent.MapGet("/alive", () => new IsAliveResponse());
        agent.MapGet("/version", () => BuildVersionInfo.Current);
        agent.MapGet("/node", (OrchestratorIdentity identity) => identity.ToNodeInfo());
        agent.MapGet("/config", (IConfiguration configuration) => Results.Text(AgentConfig.Describe(configuration).ToJsonString(), "application/json"));
        return endpoints;
    }
}

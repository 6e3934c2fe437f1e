using Bacalhau.NatsHosting;
using Bacalhau.ServiceDefaults.Nats;
using NATS.Client.Core;

namespace Bacalhau.Orchestrator.Transport;

/// <summary>The orchestrator connects as a fresh user of the cluster's account, allowed every subject.</summary>
internal sealed class OrchestratorNatsCredentials(NatsAccountSigner signer, OrchestratorIdentity identity) : INatsCredentials
{
    public ValueTask<NatsAuthCred> GetAsync(Uri server, CancellationToken cancellationToken)
    {
        var user = signer.ServiceUser($"orchestrator {identity.NodeId}");
        return ValueTask.FromResult(NatsAuthCred.FromJwt(user.Jwt!, user.Seed!));
    }
}

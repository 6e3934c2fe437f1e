using NATS.Client.Core;

namespace Bacalhau.ServiceDefaults.Nats;

/// <summary>
/// Credentials asked for at every (re)connect of the process-wide connection, when the process registers a source
/// of them (a user JWT and seed the orchestrator mints, or a compute node obtains by enrolling); the token otherwise.
/// </summary>
public interface INatsCredentials
{
    ValueTask<NatsAuthCred> GetAsync(Uri server, CancellationToken cancellationToken);

    /// <summary>The inbox prefix these credentials may subscribe under, when they are not allowed the default one.</summary>
    string? InboxPrefix => null;
}

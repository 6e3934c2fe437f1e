using System.Net;

namespace Bacalhau.Client;

/// <summary>The orchestrator answered with an error; <see cref="Exception.Message"/> is the server's own message.</summary>
public sealed class BacalhauApiException(string message, HttpStatusCode statusCode) : Exception(message)
{
    public HttpStatusCode StatusCode { get; } = statusCode;
}

/// <summary>No orchestrator answered at the configured address.</summary>
public sealed class OrchestratorUnreachableException(Uri address, Exception inner)
    : Exception($"cannot reach the orchestrator at {address.GetLeftPart(UriPartial.Authority)}: is `bacalhau serve` running?", inner)
{
    public Uri Address { get; } = address;
}

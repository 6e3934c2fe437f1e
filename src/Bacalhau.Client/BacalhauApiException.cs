using System.Net;
using Bacalhau.Contracts.Api;

namespace Bacalhau.Client;

/// <summary>
/// The orchestrator answered with an error; <see cref="Exception.Message"/> is the server's own message, and
/// <see cref="Error"/> its whole body (code, component, hint, request ID) when it sent one.
/// </summary>
public sealed class BacalhauApiException(string message, HttpStatusCode statusCode, ApiError? error = null) : Exception(message)
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    public ApiError? Error { get; } = error;

    /// <summary>What the server suggests doing about it, if anything.</summary>
    public string? Hint => Error?.Hint is { Length: > 0 } hint ? hint : null;
}

/// <summary>No orchestrator answered at the configured address.</summary>
public sealed class OrchestratorUnreachableException(Uri address, Exception inner)
    : Exception($"cannot reach the orchestrator at {address.GetLeftPart(UriPartial.Authority)}: is `bacalhau serve` running?", inner)
{
    public Uri Address { get; } = address;
}

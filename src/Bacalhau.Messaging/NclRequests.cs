using System.Text.Json.Serialization.Metadata;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using NATS.Client.Core;

namespace Bacalhau.Messaging;

/// <summary>Request/reply of the NCL control plane: the request as an NCL message, the reply decoded from its envelope.</summary>
public static class NclRequests
{
    /// <summary>Sends <paramref name="request"/> from <paramref name="source"/>; an <c>Error</c> reply becomes an <see cref="EnvelopeException"/>.</summary>
    public static async Task<TResponse> RequestAsync<TRequest, TResponse>(
        this INatsConnection nats,
        string subject,
        string source,
        string type,
        TRequest request,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var (data, headers) = NclMessage.Create(type, source, request, requestType);
        var reply = await nats.RequestAsync<byte[], byte[]>(
            subject,
            data,
            headers,
            replyOpts: new NatsSubOpts { Timeout = timeout },
            cancellationToken: cancellationToken);
        var envelope = Envelope.Decode(reply.Data);
        if (envelope.Type == MessageTypes.Error)
        {
            throw new EnvelopeException($"orchestrator answered with an error: {envelope.PayloadAs(BacalhauJsonContext.Default.ErrorResponse).Error}");
        }

        return envelope.PayloadAs(responseType);
    }
}

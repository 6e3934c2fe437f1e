using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Messaging;
using NATS.Client.Core;

namespace Bacalhau.Compute.Tests.Transport;

/// <summary>
/// The orchestrator's end of one node's control subject, played by the test: each request the node sends is handed
/// to the test, which answers it (or not) as the case needs.
/// </summary>
internal sealed class ScriptedOrchestrator : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly INatsSub<byte[]> _subscription;
    private readonly Channel<ControlRequest> _requests = Channel.CreateUnbounded<ControlRequest>();
    private readonly Task _pump;

    private ScriptedOrchestrator(INatsSub<byte[]> subscription)
    {
        _subscription = subscription;
        _pump = Task.Run(async () =>
        {
            await foreach (var message in subscription.Msgs.ReadAllAsync())
            {
                _requests.Writer.TryWrite(new ControlRequest(message, Envelope.Decode(message.Data)));
            }
        });
    }

    public static async Task<ScriptedOrchestrator> StartAsync(NatsConnection nats, string nodeId)
    {
        var subscription = await nats.SubscribeCoreAsync<byte[]>(Subjects.ControlOut(nodeId));
        // The server has the subscription once it answers a ping sent after it.
        await nats.PingAsync();
        return new ScriptedOrchestrator(subscription);
    }

    /// <summary>The next request the node sent, checked to be of <paramref name="type"/>.</summary>
    public async Task<ControlRequest> NextAsync(string type)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var request = await _requests.Reader.ReadAsync(timeout.Token);
        Assert.Equal(type, request.Envelope.Type);
        return request;
    }

    /// <summary>The next request the node sent within <paramref name="wait"/>, or null when none came.</summary>
    public async Task<ControlRequest?> NextWithinAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            return await _requests.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _subscription.UnsubscribeAsync();
        await _pump;
        await _subscription.DisposeAsync();
    }
}

internal sealed record ControlRequest(NatsMsg<byte[]> Message, Envelope Envelope)
{
    public T Payload<T>(JsonTypeInfo<T> typeInfo) => Envelope.PayloadAs(typeInfo);

    public ValueTask ReplyAsync<T>(string type, T payload, JsonTypeInfo<T> typeInfo)
    {
        var (data, headers) = NclMessage.Create(type, "orchestrator", payload, typeInfo);
        return Message.ReplyAsync(data, headers);
    }
}

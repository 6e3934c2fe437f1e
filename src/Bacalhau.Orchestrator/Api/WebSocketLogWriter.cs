using System.Buffers;
using System.Net.WebSockets;
using System.Text.Encodings.Web;
using System.Text.Json;
using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.Orchestrator.Api;

/// <summary>
/// Log lines as Bacalhau's WebSocket messages (<see cref="ExecutionLogFrame"/>), one text message a line, an error as a
/// last message, and a normal closure at the end. What the client sends is read only to notice it leave
/// (<see cref="ClientGone"/>): its close, or a connection that drops, stops the stream at once.
/// </summary>
internal sealed class WebSocketLogWriter : ILogWriter, IAsyncDisposable
{
    // How long the client has to answer our close before the connection is dropped.
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private readonly WebSocket _socket;
    private readonly ArrayBufferWriter<byte> _frame = new();
    private readonly Utf8JsonWriter _json;
    private readonly CancellationTokenSource _gone = new();
    private readonly Task _receiving;

    public WebSocketLogWriter(WebSocket socket)
    {
        _socket = socket;
        // As Go writes JSON: text as it is (quotes, non-ASCII), only what JSON itself requires escaped.
        _json = new Utf8JsonWriter(_frame, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        _receiving = ReceiveUntilClosedAsync();
    }

    public CancellationToken ClientGone => _gone.Token;

    public Task WriteLineAsync(ExecutionLogLine line, CancellationToken cancellationToken) =>
        SendAsync(new ExecutionLogFrame { Value = new ExecutionLogValue { Type = (int)line.Type, Line = line.Line + "\n" } }, cancellationToken);

    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task WriteErrorAsync(string error, CancellationToken cancellationToken) =>
        SendAsync(new ExecutionLogFrame { Error = error }, cancellationToken);

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CloseTimeout);
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }

            await _receiving.WaitAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client left without closing: nothing more to tell it.
            _socket.Abort();
        }
    }

    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        await _receiving;
        _gone.Dispose();
        await _json.DisposeAsync();
    }

    private async Task SendAsync(ExecutionLogFrame frame, CancellationToken cancellationToken)
    {
        _frame.ResetWrittenCount();
        _json.Reset();
        JsonSerializer.Serialize(_json, frame, BacalhauJsonContext.Default.ExecutionLogFrame);
        await _socket.SendAsync(_frame.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
    }

    /// <summary>Discards what the client sends, a small buffer at a time, until it closes or the connection fails.</summary>
    private async Task ReceiveUntilClosedAsync()
    {
        var buffer = new byte[1024];
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The connection failed or was dropped: the client is gone just the same.
        }
        finally
        {
            await _gone.CancelAsync();
        }
    }
}

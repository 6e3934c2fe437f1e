using System.Text.Json;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.Orchestrator.Api;

/// <summary>
/// Log lines as server-sent events: <c>data: {"type":"stdout","line":"..."}</c> each, then <c>event: error</c> (if the
/// stream failed) and <c>event: end</c>.
/// </summary>
internal sealed class SseLogWriter(HttpResponse response) : ILogWriter
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.Body.FlushAsync(cancellationToken);
    }

    public async Task WriteLineAsync(ExecutionLogLine line, CancellationToken cancellationToken)
    {
        await response.WriteAsync("data: ", cancellationToken);
        await response.WriteAsync(JsonSerializer.Serialize(line, BacalhauJsonContext.Default.ExecutionLogLine), cancellationToken);
        await response.WriteAsync("\n\n", cancellationToken);
    }

    public Task FlushAsync(CancellationToken cancellationToken) => response.Body.FlushAsync(cancellationToken);

    public Task WriteErrorAsync(string error, CancellationToken cancellationToken) => WriteEventAsync("error", error, cancellationToken);

    public Task CompleteAsync(CancellationToken cancellationToken) => WriteEventAsync("end", "", cancellationToken);

    public void Abort() => response.HttpContext.Abort();

    private async Task WriteEventAsync(string name, string data, CancellationToken cancellationToken)
    {
        // One data line: an error's own newlines would otherwise end the event early.
        await response.WriteAsync($"event: {name}\ndata: {data.ReplaceLineEndings(" ")}\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}

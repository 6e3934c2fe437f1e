using Bacalhau.Contracts.Protocol;

namespace Bacalhau.Orchestrator.Api;

/// <summary>Where a logs request's lines go, in the form its client asked for: server-sent events or WebSocket messages.</summary>
internal interface ILogWriter
{
    Task WriteLineAsync(ExecutionLogLine line, CancellationToken cancellationToken);

    /// <summary>Sends what was written so far: called after each batch.</summary>
    Task FlushAsync(CancellationToken cancellationToken);

    /// <summary>Says why the stream ends early; <see cref="CompleteAsync"/> follows.</summary>
    Task WriteErrorAsync(string error, CancellationToken cancellationToken);

    /// <summary>Signals the end of the stream.</summary>
    Task CompleteAsync(CancellationToken cancellationToken);

    /// <summary>Drops the connection: the client cannot be told anything more (it left, or takes no more).</summary>
    void Abort();
}

using System.Text.Json.Serialization;

namespace Bacalhau.Contracts.Protocol;

/// <summary>
/// Asks a compute node for an execution's output; with Follow, lines keep coming until the execution ends. Each batch
/// is sent as a request the asker answers once it has passed the batch on, so a slow reader slows the node down and a
/// gone one stops it.
/// </summary>
public sealed record ExecutionLogsRequest
{
    public required string ExecutionID { get; set; }
    public bool Follow { get; set; }

    /// <summary>Start this many lines before the end of each of stdout and stderr (0: only what comes next); null: from the first line.</summary>
    public int? Tail { get; set; }
}

/// <summary>One line of output, as Bacalhau's log stream carries it.</summary>
public sealed record ExecutionLogLine
{
    [JsonPropertyName("type")]
    public ExecutionLogType Type { get; set; }

    [JsonPropertyName("line")]
    public string Line { get; set; } = "";
}

[JsonConverter(typeof(JsonStringEnumConverter<ExecutionLogType>))]
public enum ExecutionLogType
{
    [JsonStringEnumMemberName("stdout")] Stdout = 1,
    [JsonStringEnumMemberName("stderr")] Stderr = 2,
}

/// <summary>
/// A batch of lines; the last message of a stream has <see cref="End"/> set (and an error, if any). A quiet stream
/// still sends an empty batch every few seconds, so either side notices the other is gone.
/// </summary>
public sealed record ExecutionLogBatch
{
    public List<ExecutionLogLine> Lines { get; set; } = [];
    public bool End { get; set; }
    public string Error { get; set; } = "";
}

using System.Text.Json.Serialization;

namespace Bacalhau.Contracts.Protocol;

/// <summary>Asks a compute node for an execution's output; with Follow, lines keep coming until the execution ends.</summary>
public sealed record ExecutionLogsRequest
{
    public required string ExecutionID { get; set; }
    public bool Follow { get; set; }
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

/// <summary>A batch of lines; the last message of a stream is an empty batch with <see cref="End"/> set (and an error, if any).</summary>
public sealed record ExecutionLogBatch
{
    public List<ExecutionLogLine> Lines { get; set; } = [];
    public bool End { get; set; }
    public string Error { get; set; } = "";
}

using Bacalhau.Contracts.Protocol;

namespace Bacalhau.Compute.Logs;

/// <summary>The lines of one message: at most so many, and so much text that the message fits a NATS payload.</summary>
internal sealed class LogBatch
{
    private const int MaxLines = 512;
    private const int MaxChars = 64 * 1024;
    private int _chars;

    public List<ExecutionLogLine> Lines { get; } = new(MaxLines);

    public bool Full => Lines.Count >= MaxLines || _chars >= MaxChars;

    public void Add(ExecutionLogLine line)
    {
        Lines.Add(line);
        _chars += line.Line.Length;
    }

    public ExecutionLogBatch Take()
    {
        var batch = new ExecutionLogBatch { Lines = [.. Lines] };
        Lines.Clear();
        _chars = 0;
        return batch;
    }
}

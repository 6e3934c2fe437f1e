using System.Text;
using Bacalhau.Contracts.Protocol;

namespace Bacalhau.Compute.Logs;

/// <summary>
/// Reads complete lines from a growing file; a trailing partial line waits for its newline (or the end). A line
/// longer than <see cref="MaxLineChars"/> comes in pieces, so that no output holds memory without bound.
/// </summary>
internal sealed class LogTail(string path, ExecutionLogType type, int? tail) : IDisposable
{
    private const int MaxLineChars = 16 * 1024;

    // A file that appears later holds only output that came after the request: all of it is new.
    private readonly int? _tail = File.Exists(path) ? tail : null;
    private readonly StringBuilder _partial = new();
    private readonly char[] _buffer = new char[4096];
    private FileStream? _stream;
    private StreamReader? _reader;

    public bool ReadLines(LogBatch into)
    {
        if (_reader is null)
        {
            if (!File.Exists(path))
            {
                return false;
            }

            _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (_tail is { } lines)
            {
                _stream.Position = StartOfLastLines(_stream, lines);
            }

            _reader = new StreamReader(_stream, Encoding.UTF8);
        }

        var any = false;
        while (!into.Full)
        {
            var count = _reader.Read(_buffer, 0, _buffer.Length);
            if (count == 0)
            {
                break;
            }

            any = true;
            var start = 0;
            for (var i = 0; i < count; i++)
            {
                if (_buffer[i] == '\n')
                {
                    _partial.Append(_buffer, start, i - start);
                    into.Add(new ExecutionLogLine { Type = type, Line = _partial.ToString().TrimEnd('\r') });
                    _partial.Clear();
                    start = i + 1;
                }
            }

            _partial.Append(_buffer, start, count - start);
            if (_partial.Length >= MaxLineChars)
            {
                into.Add(new ExecutionLogLine { Type = type, Line = _partial.ToString() });
                _partial.Clear();
            }
        }

        return any;
    }

    /// <summary>At the end, a last line without a newline is still a line.</summary>
    public void Flush(LogBatch into)
    {
        if (_partial.Length > 0)
        {
            into.Add(new ExecutionLogLine { Type = type, Line = _partial.ToString() });
            _partial.Clear();
        }
    }

    public void Dispose()
    {
        _reader?.Dispose();
        _stream?.Dispose();
    }

    /// <summary>
    /// Where the last <paramref name="lines"/> lines of the file start, found reading back from its end a block
    /// at a time. A last line without its newline yet is one of them; with none asked for, the start of that
    /// partial line, so that what follows is only output to come, whole.
    /// </summary>
    private static long StartOfLastLines(FileStream stream, int lines)
    {
        var position = stream.Length;
        if (position == 0)
        {
            return 0;
        }

        Span<byte> last = stackalloc byte[1];
        stream.Position = position - 1;
        stream.ReadExactly(last);
        // Newlines to pass going back: a final one ends the last line rather than starting one.
        var newlines = last[0] == (byte)'\n' ? lines + 1 : Math.Max(lines, 1);
        var block = new byte[64 * 1024];
        while (position > 0)
        {
            var size = (int)Math.Min(block.Length, position);
            position -= size;
            stream.Position = position;
            stream.ReadExactly(block, 0, size);
            for (var i = size - 1; i >= 0; i--)
            {
                if (block[i] == (byte)'\n' && --newlines == 0)
                {
                    return position + i + 1;
                }
            }
        }

        return 0;
    }
}

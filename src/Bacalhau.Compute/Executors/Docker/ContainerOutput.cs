using System.Buffers;
using System.Text;
using Docker.DotNet;

namespace Bacalhau.Compute.Executors.Docker;

/// <summary>
/// Reads a container's stdout and stderr apart from its multiplexed stream: all of it is appended to the log
/// files as it arrives (live log streaming tails them), and the first <c>maxBytes</c> of each are kept for the
/// result, so a chatty task neither blocks nor fills memory.
/// </summary>
internal sealed class ContainerOutput(int maxBytes, string stdoutLog, string stderrLog)
{
    private readonly Capped _stdout = new(maxBytes);
    private readonly Capped _stderr = new(maxBytes);

    public string Stdout => _stdout.Text;

    public bool StdoutTruncated => _stdout.Truncated;

    public string Stderr => _stderr.Text;

    public bool StderrTruncated => _stderr.Truncated;

    /// <summary>Reads until the stream ends (the container exited) or <paramref name="cancellationToken"/> fires.</summary>
    public async Task ReadAsync(MultiplexedStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        await using var stdoutLogStream = new FileStream(stdoutLog, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        await using var stderrLogStream = new FileStream(stderrLog, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
            if (read.EOF)
            {
                return;
            }

            var isError = read.Target == MultiplexedStream.TargetStream.StandardError;
            (isError ? _stderr : _stdout).Append(buffer.AsSpan(0, read.Count));
            var log = isError ? stderrLogStream : stdoutLogStream;
            await log.WriteAsync(buffer.AsMemory(0, read.Count), cancellationToken);
            await log.FlushAsync(cancellationToken);
        }
    }

    private sealed class Capped(int maxBytes)
    {
        private readonly ArrayBufferWriter<byte> _bytes = new();

        public bool Truncated { get; private set; }

        public string Text => Encoding.UTF8.GetString(_bytes.WrittenSpan);

        public void Append(ReadOnlySpan<byte> data)
        {
            var room = maxBytes - _bytes.WrittenCount;
            if (data.Length > room)
            {
                Truncated = true;
                data = data[..Math.Max(room, 0)];
            }

            _bytes.Write(data);
        }
    }
}

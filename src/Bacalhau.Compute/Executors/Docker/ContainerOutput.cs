using System.Buffers;
using System.Text;
using Docker.DotNet;

namespace Bacalhau.Compute.Executors.Docker;

/// <summary>
/// Reads a container's stdout and stderr apart from its multiplexed stream, keeping the first
/// <c>maxBytes</c> of each and draining the rest, so a chatty task neither blocks nor fills memory.
/// </summary>
public sealed class ContainerOutput(int maxBytes)
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
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
            if (read.EOF)
            {
                return;
            }

            var target = read.Target == MultiplexedStream.TargetStream.StandardError ? _stderr : _stdout;
            target.Append(buffer.AsSpan(0, read.Count));
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

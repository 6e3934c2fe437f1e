using System.Buffers.Binary;
using System.Text;
using Bacalhau.Compute.Executors.Docker;
using Docker.DotNet;

namespace Bacalhau.Compute.Tests.Executors.Docker;

public sealed class ContainerOutputTests : IDisposable
{
    private readonly string _logs = Directory.CreateTempSubdirectory("bacalhau-output-").FullName;

    public void Dispose() => Directory.Delete(_logs, recursive: true);

    private string StdoutLog => Path.Combine(_logs, "stdout");

    private string StderrLog => Path.Combine(_logs, "stderr");

    private const byte Stdout = 1;
    private const byte Stderr = 2;

    [Fact]
    public async Task Stdout_and_stderr_are_read_apart()
    {
        var output = new ContainerOutput(1024, StdoutLog, StderrLog);

        await output.ReadAsync(Multiplexed((Stdout, "hello "), (Stderr, "oops"), (Stdout, "world")), CancellationToken.None);

        Assert.Equal("hello world", output.Stdout);
        Assert.Equal("oops", output.Stderr);
        Assert.False(output.StdoutTruncated);
        Assert.False(output.StderrTruncated);
        Assert.Equal("hello world", File.ReadAllText(StdoutLog));
        Assert.Equal("oops", File.ReadAllText(StderrLog));
    }

    [Fact]
    public async Task Each_stream_keeps_its_first_bytes_up_to_the_cap_and_says_it_was_cut()
    {
        var output = new ContainerOutput(4, StdoutLog, StderrLog);

        await output.ReadAsync(Multiplexed((Stdout, "abc"), (Stdout, "defgh"), (Stderr, "xy")), CancellationToken.None);

        Assert.Equal("abcd", output.Stdout);
        Assert.True(output.StdoutTruncated);
        Assert.Equal("xy", output.Stderr);
        Assert.False(output.StderrTruncated);
        Assert.Equal("abcdefgh", File.ReadAllText(StdoutLog));
    }

    /// <summary>Docker's framing of a non-TTY container's output: stream, 3 zero bytes, big-endian length, data.</summary>
    private static MultiplexedStream Multiplexed(params (byte Stream, string Text)[] frames)
    {
        var bytes = new MemoryStream();
        foreach (var (stream, text) in frames)
        {
            var data = Encoding.UTF8.GetBytes(text);
            var header = new byte[8];
            header[0] = stream;
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)data.Length);
            bytes.Write(header);
            bytes.Write(data);
        }

        bytes.Position = 0;
        return new MultiplexedStream(bytes, multiplexed: true);
    }
}

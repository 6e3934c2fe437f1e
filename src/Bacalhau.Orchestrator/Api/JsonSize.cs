using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Bacalhau.Orchestrator.Api;

/// <summary>How many bytes a value takes written as JSON, counted without keeping them.</summary>
internal sealed class JsonSize : IBufferWriter<byte>
{
    private byte[] _scratch = new byte[4096];

    private long _written;

    public static long Of<T>(T value, JsonTypeInfo<T> type)
    {
        var counter = new JsonSize();
        using (var writer = new Utf8JsonWriter(counter))
        {
            JsonSerializer.Serialize(writer, value, type);
        }

        return counter._written;
    }

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => Scratch(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => Scratch(sizeHint);

    private byte[] Scratch(int sizeHint)
    {
        if (sizeHint > _scratch.Length)
        {
            _scratch = new byte[sizeHint];
        }

        return _scratch;
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Bacalhau.JobSpecs.Tests;

/// <summary>
/// Arrays of at least <see cref="LargeSize"/> bytes rented from the runtime's shared array pools by the thread that
/// created this listener, while it listens. The pools keep what they hand out, so a body-sized rent is memory kept.
/// </summary>
internal sealed class SharedPoolRents : EventListener
{
    public const int LargeSize = 64 * 1024;

    // Field initialisers run before the base constructor, which already reports the event sources that exist.
    private readonly int _thread = Environment.CurrentManagedThreadId;
    private readonly ConcurrentQueue<int> _sizes = new();

    /// <summary>Sizes of the large arrays rented so far, in the pool's units (bytes or characters).</summary>
    public IReadOnlyCollection<int> Large => _sizes;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "System.Buffers.ArrayPoolEventSource")
        {
            EnableEvents(eventSource, EventLevel.Verbose);
        }
    }

    // Events reach listeners on the thread that raised them.
    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName == "BufferRented" && eventData.Payload is [_, int size, ..] && size >= LargeSize && Environment.CurrentManagedThreadId == _thread)
        {
            _sizes.Enqueue(size);
        }
    }
}

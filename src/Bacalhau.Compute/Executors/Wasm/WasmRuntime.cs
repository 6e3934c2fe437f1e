using Wasmtime;

namespace Bacalhau.Compute.Executors.Wasm;

/// <summary>
/// The Wasmtime engine, created on first use (which loads the native library), and the clock that lets running
/// modules notice cancellation: the engine's epoch advances every <see cref="Tick"/>, and each store checks its
/// cancellation token whenever that happens.
/// </summary>
internal sealed class WasmRuntime : IDisposable
{
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly Lock _lock = new();
    private Engine? _engine;
    private Timer? _ticker;
    private bool _disposed;

    public Engine Engine
    {
        get
        {
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_engine is null)
                {
                    _engine = new Engine(new Config().WithEpochInterruption(true));
                    _ticker = new Timer(_ => Advance(), null, Tick, Tick);
                }

                return _engine;
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _ticker?.Dispose();
            _engine?.Dispose();
        }
    }

    // Under the lock so that a tick already on its way cannot touch a disposed engine.
    private void Advance()
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                _engine?.IncrementEpoch();
            }
        }
    }
}

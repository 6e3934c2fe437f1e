using System.Security.Cryptography;
using Bacalhau.Compute.Metrics;
using Wasmtime;

namespace Bacalhau.Compute.Executors.Wasm;

/// <summary>
/// The node's compiled modules, kept by the SHA-256 of their bytes and the name they are linked under (an import's
/// namespace), least recently used first out beyond <see cref="MaxModules"/> or <see cref="MaxBytes"/> of module
/// bytes. Compiling dominates a short run; jobs that ship the same module compile it once, concurrent ones included.
/// Kept in memory only: a compiled module read back from disk would be native code trusted without a check.
/// </summary>
internal sealed class WasmModuleCache(WasmRuntime runtime, ComputeMetrics metrics) : IDisposable
{
    public const int MaxModules = 32;

    /// <summary>Of WebAssembly bytes; the compiled code is a small multiple of it. A larger module is compiled per run.</summary>
    public const long MaxBytes = 128L * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<ModuleKey, LinkedListNode<Entry>> _entries = [];

    // Most recently used first.
    private readonly LinkedList<Entry> _recency = [];
    private readonly int _maxModules = MaxModules;
    private readonly long _maxBytes = MaxBytes;
    private long _bytes;
    private bool _disposed;

    /// <summary>A cache with other bounds, for tests of eviction.</summary>
    internal WasmModuleCache(WasmRuntime runtime, ComputeMetrics metrics, int maxModules, long maxBytes)
        : this(runtime, metrics)
    {
        _maxModules = maxModules;
        _maxBytes = maxBytes;
    }

    public Engine Engine => runtime.Engine;

    /// <summary>Modules held now, for tests of the bounds.</summary>
    internal int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The compiled module of <paramref name="file"/>, held until the lease is disposed even if evicted meanwhile.</summary>
    public WasmModuleLease Lease(WasmModuleFile file) =>
        Lease(Path.GetFileNameWithoutExtension(file.Name), File.ReadAllBytes(file.HostPath), file.Name);

    internal WasmModuleLease Lease(string name, byte[] bytes, string label)
    {
        var key = new ModuleKey(Convert.ToHexString(SHA256.HashData(bytes)), name);
        var engine = runtime.Engine;
        Entry entry;
        bool hit;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            hit = _entries.TryGetValue(key, out var node);
            if (node is not null)
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                entry = node.Value;
                entry.Acquire();
            }
            else
            {
                // Its first reference is the lease's; a cached one gets a second, the cache's own.
                entry = new Entry(key, bytes.LongLength, engine, bytes);
                if (bytes.LongLength <= _maxBytes)
                {
                    entry.Acquire();
                    _entries[key] = _recency.AddFirst(entry);
                    _bytes += entry.Size;
                    EvictBeyondBounds();
                }
            }
        }

        metrics.WasmModuleLookedUp(hit);
        try
        {
            // Only the first caller compiles; the others wait for its module (or its error).
            return new WasmModuleLease(entry, entry.Module);
        }
        catch (WasmtimeException ex)
        {
            Forget(entry);
            entry.Release();
            throw new WasmException($"wasm: '{label}' is not a valid WebAssembly module: {WasmProgram.FirstLine(ex.Message)}", ex);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (var entry in _recency)
            {
                entry.Release();
            }

            _entries.Clear();
            _recency.Clear();
            _bytes = 0;
        }
    }

    // Under the lock. The newest entry stays even when it alone is over a bound.
    private void EvictBeyondBounds()
    {
        while (_recency.Count > 1 && (_recency.Count > _maxModules || _bytes > _maxBytes))
        {
            var oldest = _recency.Last!.Value;
            _recency.RemoveLast();
            _entries.Remove(oldest.Key);
            _bytes -= oldest.Size;
            oldest.Release();
        }
    }

    // A module that does not compile is not kept: the next job that ships it tries again and gets its own error.
    private void Forget(Entry entry)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(entry.Key, out var node) && ReferenceEquals(node.Value, entry))
            {
                _entries.Remove(entry.Key);
                _recency.Remove(node);
                _bytes -= entry.Size;
                entry.Release();
            }
        }
    }

    internal readonly record struct ModuleKey(string Sha256, string Name);

    /// <summary>One module: compiled once on first use, disposed when neither the cache nor a lease holds it.</summary>
    internal sealed class Entry(ModuleKey key, long size, Engine engine, byte[] bytes)
    {
        private readonly Lazy<Module> _module = new(() => Module.FromBytes(engine, key.Name, bytes), LazyThreadSafetyMode.ExecutionAndPublication);

        // The cache's and each lease's. Acquired only under the cache's lock while cached, so never from zero.
        private int _references = 1;

        public ModuleKey Key => key;

        public long Size => size;

        public Module Module => _module.Value;

        public void Acquire() => Interlocked.Increment(ref _references);

        public void Release()
        {
            if (Interlocked.Decrement(ref _references) == 0 && _module.IsValueCreated)
            {
                _module.Value.Dispose();
            }
        }
    }
}

/// <summary>A compiled module in use by one run; disposing it lets the cache drop the module once evicted.</summary>
internal sealed class WasmModuleLease(WasmModuleCache.Entry entry, Module module) : IDisposable
{
    private int _disposed;

    public Module Module => module;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            entry.Release();
        }
    }
}

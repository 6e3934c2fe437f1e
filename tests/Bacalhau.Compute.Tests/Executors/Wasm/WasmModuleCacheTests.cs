using Bacalhau.Compute.Executors.Wasm;
using Bacalhau.Compute.Metrics;
using Bacalhau.Tests.Metrics;
using Wasmtime;

namespace Bacalhau.Compute.Tests.Executors.Wasm;

public sealed class WasmModuleCacheTests : IDisposable
{
    private const string Lookups = "bacalhau.compute.wasm.modules";
    private static readonly byte[] Hello = Wat.ToWasm(WatModules.Hello);
    private static readonly byte[] ExitThree = Wat.ToWasm(WatModules.ExitThree);
    private static readonly byte[] Empty = Wat.ToWasm("(module)");

    private readonly WasmRuntime _runtime = new();
    private readonly MetricRecorder _metrics = new();

    public void Dispose()
    {
        _runtime.Dispose();
        _metrics.Dispose();
    }

    [Fact]
    public async Task Runs_that_ask_for_the_same_new_module_together_compile_it_once()
    {
        using var cache = Cache();
        using var ready = new Barrier(8);

        var leases = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Factory.StartNew(
            () =>
            {
                ready.SignalAndWait();
                return cache.Lease("main", [.. Hello], "main.wasm");
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)));

        Assert.Single(leases.Select(l => l.Module).Distinct());
        Assert.Equal([("hit", 7), ("miss", 1)], Results());
        foreach (var lease in leases)
        {
            lease.Dispose();
        }
    }

    [Fact]
    public async Task Jobs_with_different_modules_each_run_their_own_and_a_repeat_finds_it_compiled()
    {
        using var bed = new WasmTestBed();

        var hello = await bed.RunAsync(WasmTestBed.Task(WatModules.Hello));
        var exit = await bed.RunAsync(WasmTestBed.Task(WatModules.ExitThree));
        var again = await bed.RunAsync(WasmTestBed.Task(WatModules.Hello));

        Assert.Equal((0, "hello from wat\n"), (hello.ExitCode, hello.Stdout));
        Assert.Equal(3, exit.ExitCode);
        Assert.Equal((0, "hello from wat\n"), (again.ExitCode, again.Stdout));
        Assert.Equal(["miss", "miss", "hit"], bed.Metrics.Of(Lookups).Select(m => m.Tags["result"]));
    }

    [Fact]
    public void The_same_bytes_linked_under_another_name_are_another_module()
    {
        using var cache = Cache();
        using var first = cache.Lease("lib", Empty, "lib.wasm");
        using var second = cache.Lease("other", Empty, "other.wasm");

        Assert.NotSame(first.Module, second.Module);
        Assert.Equal(("lib", "other"), (first.Module.Name, second.Module.Name));
    }

    [Fact]
    public void Beyond_its_count_bound_the_least_recently_used_module_goes_first()
    {
        using var cache = Cache(maxModules: 2, maxBytes: WasmModuleCache.MaxBytes);
        cache.Lease("a", Hello, "a.wasm").Dispose();
        cache.Lease("b", ExitThree, "b.wasm").Dispose();
        cache.Lease("a", Hello, "a.wasm").Dispose();
        cache.Lease("c", Empty, "c.wasm").Dispose();

        Assert.Equal(2, cache.Count);
        cache.Lease("a", Hello, "a.wasm").Dispose();
        cache.Lease("b", ExitThree, "b.wasm").Dispose();

        // a was used after b, so b was the one evicted for c.
        Assert.Equal(["miss", "miss", "hit", "miss", "hit", "miss"], _metrics.Of(Lookups).Select(m => m.Tags["result"]));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void Beyond_its_byte_bound_it_keeps_what_fits_and_never_keeps_a_module_larger_than_the_bound()
    {
        using var cache = Cache(maxModules: 10, maxBytes: Hello.Length + ExitThree.Length - 1);
        cache.Lease("a", Hello, "a.wasm").Dispose();
        cache.Lease("b", ExitThree, "b.wasm").Dispose();
        Assert.Equal(1, cache.Count);

        using var tooLarge = Cache(maxModules: 10, maxBytes: Empty.Length - 1);
        using (var lease = tooLarge.Lease("c", Empty, "c.wasm"))
        {
            Assert.Equal("c", lease.Module.Name);
        }

        Assert.Equal(0, tooLarge.Count);
    }

    [Fact]
    public void A_module_evicted_while_a_run_holds_it_stays_usable_until_the_run_ends()
    {
        using var cache = Cache(maxModules: 1, maxBytes: WasmModuleCache.MaxBytes);
        using var held = cache.Lease("main", Hello, "main.wasm");
        cache.Lease("other", ExitThree, "other.wasm").Dispose();

        using var store = new Store(cache.Engine);
        using var linker = new Linker(cache.Engine);
        linker.DefineWasi();
        store.SetWasiConfiguration(new WasiConfiguration());
        var instance = linker.Instantiate(store, held.Module);

        Assert.NotNull(instance.GetAction("_start"));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void A_module_that_does_not_compile_is_not_kept()
    {
        using var cache = Cache();
        byte[] garbage = [0, 0x61, 0x73, 0x6d, 9, 9, 9, 9];

        var first = Assert.Throws<WasmException>(() => cache.Lease("bad", garbage, "bad.wasm"));
        Assert.Throws<WasmException>(() => cache.Lease("bad", garbage, "bad.wasm"));

        Assert.StartsWith("wasm: 'bad.wasm' is not a valid WebAssembly module", first.Message, StringComparison.Ordinal);
        Assert.Equal(0, cache.Count);
        Assert.Equal(["miss", "miss"], _metrics.Of(Lookups).Select(m => m.Tags["result"]));
    }

    private WasmModuleCache Cache() => new(_runtime, new ComputeMetrics(_metrics.Factory));

    private WasmModuleCache Cache(int maxModules, long maxBytes) => new(_runtime, new ComputeMetrics(_metrics.Factory), maxModules, maxBytes);

    private IEnumerable<(string?, int)> Results() =>
        _metrics.Of(Lookups).GroupBy(m => m.Tags["result"]).Select(g => (g.Key, g.Count())).Order();
}

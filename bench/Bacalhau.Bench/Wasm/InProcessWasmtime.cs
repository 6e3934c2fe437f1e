using Wasmtime;

namespace Bacalhau.Bench.Wasm;

/// <summary>
/// The baseline of the Wasm scenario: the module run by Wasmtime in this process, with nothing of ours in between,
/// under WASI preview 1 with its stdout in a file, on an engine configured as the compute node's.
/// </summary>
internal sealed class InProcessWasmtime : IDisposable
{
    private readonly Engine _engine = new(new Config().WithEpochInterruption(true));
    private readonly string _stdout = Path.Combine(Directory.CreateTempSubdirectory("bacalhau-bench-wasm-").FullName, "stdout");

    /// <summary>Compiles the module, as <c>wasmtime run</c> does on every run.</summary>
    public Module Compile(byte[] bytes) => Module.FromBytes(_engine, "main", bytes);

    /// <summary>Instantiates and runs <c>_start</c>; returns what the module printed.</summary>
    public string Run(Module module)
    {
        using var store = new Store(_engine);
        store.SetWasiConfiguration(new WasiConfiguration().WithArgs("main.wasm").WithStandardOutput(_stdout));
        store.SetEpochDeadline(ulong.MaxValue);
        using var linker = new Linker(_engine);
        linker.DefineWasi();
        var start = linker.Instantiate(store, module).GetAction("_start") ?? throw new InvalidOperationException("the module exports no _start");
        try
        {
            start();
        }
        catch (WasmtimeException ex) when (ex.ExitCode == 0)
        {
            // proc_exit(0) ends a Rust program's main.
        }

        return File.ReadAllText(_stdout);
    }

    public void Dispose()
    {
        _engine.Dispose();
        Directory.Delete(Path.GetDirectoryName(_stdout)!, recursive: true);
    }
}

using Wasmtime;

namespace Bacalhau.Compute.Executors.Wasm;

/// <summary>Everything one run of a module needs, resolved to host paths.</summary>
internal sealed record WasmRunPlan(
    WasmModuleFile EntryModule,
    IReadOnlyList<WasmModuleFile> ImportModules,
    string Entrypoint,
    IReadOnlyList<string> Parameters,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<Preopen> Preopens,
    string StdoutPath,
    string StderrPath,
    long MemoryLimit);

/// <summary>How a run ended: the WASI exit code, and why when it did not end by itself (a trap).</summary>
internal sealed record WasmOutcome(int ExitCode, string ErrorMsg, TimeSpan CompileTime, TimeSpan RunTime);

/// <summary>Compiles (or finds compiled), links and runs a module under WASI preview 1. Blocks the calling thread until the module ends.</summary>
internal static class WasmProgram
{
    /// <summary>What a trap exits with, as the wasmtime command does on Unix (128 + SIGABRT).</summary>
    public const int TrapExitCode = 134;

    public static WasmOutcome Run(WasmModuleCache modules, WasmRunPlan plan, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var engine = modules.Engine;
        using var entry = modules.Lease(plan.EntryModule);
        var imports = new List<WasmModuleLease>();
        try
        {
            imports.AddRange(plan.ImportModules.Select(modules.Lease));
            var compileTime = started.Elapsed;
            using var store = new Store(engine);
            store.SetWasiConfiguration(WasiConfigurationFor(plan));
            if (plan.MemoryLimit > 0)
            {
                store.SetLimits(memorySize: plan.MemoryLimit);
            }

            // Each epoch tick lands here; cancelling (timeout, stop) ends the run from the module's own thread.
            store.SetEpochDeadline(1);
            store.SetEpochDeadlineCallback(_ =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                return 1;
            });

            using var linker = new Linker(engine);
            linker.DefineWasi();
            var exitCode = 0;
            var error = "";
            try
            {
                foreach (var import in imports)
                {
                    linker.DefineModule(store, import.Module);
                }

                var instance = linker.Instantiate(store, entry.Module);
                var start = instance.GetAction(plan.Entrypoint) ?? throw MissingEntrypoint(instance, plan.Entrypoint);
                start();
            }
            catch (WasmtimeException ex) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("the wasm module was stopped", ex, cancellationToken);
            }
            catch (WasmtimeException ex) when (ex.ExitCode is { } code)
            {
                exitCode = code;
            }
            catch (TrapException ex)
            {
                exitCode = TrapExitCode;
                error = $"wasm trap ({ex.Type}): {FirstLine(ex.Message)}";
            }
            catch (WasmtimeException ex)
            {
                throw new WasmException($"wasm: {FirstLine(ex.Message)}", ex);
            }

            return new WasmOutcome(exitCode, error, compileTime, started.Elapsed - compileTime);
        }
        finally
        {
            imports.ForEach(m => m.Dispose());
        }
    }

    private static WasiConfiguration WasiConfigurationFor(WasmRunPlan plan)
    {
        var wasi = new WasiConfiguration()
            .WithArgs([plan.EntryModule.Name, .. plan.Parameters])
            .WithEnvironmentVariables(plan.Environment.Select(e => (e.Key, e.Value)))
            .WithStandardOutput(plan.StdoutPath)
            .WithStandardError(plan.StderrPath);
        foreach (var preopen in plan.Preopens)
        {
            wasi.WithPreopenedDirectory(preopen.HostPath, preopen.GuestPath, preopen.Writable);
        }

        return wasi;
    }

    private static WasmException MissingEntrypoint(Instance instance, string name) => instance.GetFunction(name) is null
        ? new WasmException($"wasm: the module exports no function '{name}' (exports: {string.Join(", ", instance.GetFunctions().Select(f => f.Name))})")
        : new WasmException($"wasm: the entrypoint '{name}' must take no parameters and return nothing");

    internal static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}

using System.Diagnostics;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Compute.Executors.Wasm;

/// <summary>
/// Runs WebAssembly modules under WASI preview 1 in-process with Wasmtime. Inputs are preopened read-only at their
/// targets and result paths read-write; stdout and stderr go to the execution's log files (tailed live by log streaming) and are reported up
/// to <see cref="CapturedOutput.MaxBytes"/> each. Cancellation and the execution timeout stop the module within
/// about one <see cref="WasmRuntime.Tick"/>.
/// </summary>
internal sealed partial class WasmExecutor(WasmModuleCache compiled, WasmModuleResolver modules, ILogger<WasmExecutor> logger) : IExecutor
{
    public static readonly ActivitySource ActivitySource = new("Bacalhau.Compute.Wasm");

    public string Engine => EngineTypes.Wasm;

    public Task<bool> IsAvailableAsync(CancellationToken cancellationToken)
    {
        try
        {
            _ = compiled.Engine;
            return Task.FromResult(true);
        }
        catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException or BadImageFormatException or EntryPointNotFoundException or Wasmtime.WasmtimeException)
        {
            LogUnavailable(logger, ex.Message);
            return Task.FromResult(false);
        }
    }

    public async Task<RunCommandResult> RunAsync(ExecutionRequest request, CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity("wasm run");
        var spec = WasmSpec.Parse(request.Task);
        activity?.SetTag("bacalhau.wasm.entrypoint", spec.Entrypoint);
        var scratch = Directory.CreateDirectory(Path.Combine(request.WorkingDirectory, "wasm")).FullName;
        var entry = await modules.ResolveAsync(spec.EntryModule, "EntryModule", request, cancellationToken);
        var imports = new List<WasmModuleFile>();
        for (var i = 0; i < spec.ImportModules.Count; i++)
        {
            imports.Add(await modules.ResolveAsync(spec.ImportModules[i], $"ImportModules[{i}]", request, cancellationToken));
        }

        request.CreateLogFiles();
        var plan = new WasmRunPlan(entry, imports, spec.Entrypoint, spec.Parameters, spec.Environment, WasmPreopens.For(request, scratch),
            request.StdoutPath, request.StderrPath, request.Execution.AllocatedResources.Memory);
        activity?.SetTag("bacalhau.wasm.module", entry.Name);

        // Wasmtime blocks its thread for the whole run; keep it off the thread pool.
        var outcome = await Task.Factory.StartNew(
            () => WasmProgram.Run(compiled, plan, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        activity?.SetTag("bacalhau.wasm.compile_ms", outcome.CompileTime.TotalMilliseconds);
        activity?.SetTag("bacalhau.wasm.exit_code", outcome.ExitCode);
        LogRan(logger, entry.Name, outcome.ExitCode, outcome.CompileTime.TotalMilliseconds, outcome.RunTime.TotalMilliseconds);

        var (stdout, stdoutTruncated) = await CapturedOutput.ReadAsync(plan.StdoutPath, cancellationToken);
        var (stderr, stderrTruncated) = await CapturedOutput.ReadAsync(plan.StderrPath, cancellationToken);
        return new RunCommandResult
        {
            ExitCode = outcome.ExitCode,
            ErrorMsg = outcome.ErrorMsg,
            Stdout = stdout,
            StdoutTruncated = stdoutTruncated,
            Stderr = stderr,
            StderrTruncated = stderrTruncated,
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Wasmtime cannot be loaded: {Error}")]
    private static partial void LogUnavailable(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Module {Module} exited with {ExitCode} (compiled or found compiled in {CompileMs:F0} ms, ran {RunMs:F0} ms)")]
    private static partial void LogRan(ILogger logger, string module, int exitCode, double compileMs, double runMs);
}

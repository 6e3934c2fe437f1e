using System.Text.Json;
using Bacalhau.Compute.Executions;
using Bacalhau.Compute.Executors;
using Bacalhau.Compute.Executors.Wasm;
using Bacalhau.Compute.Inputs;
using Bacalhau.Compute.Metrics;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Tests.Metrics;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bacalhau.Compute.Tests.Executors.Wasm;

/// <summary>Stages a task's inputs the way the execution manager does and runs it on a real <see cref="WasmExecutor"/>.</summary>
internal sealed class WasmTestBed : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bacalhau-wasm-").FullName;
    private readonly WasmRuntime _runtime = new();
    private readonly WasmModuleCache _modules;
    private int _runs;

    public WasmTestBed()
    {
        _modules = new WasmModuleCache(_runtime, new ComputeMetrics(Metrics.Factory));
        Executor = new WasmExecutor(_modules, new WasmModuleResolver(Stager), NullLogger<WasmExecutor>.Instance);
    }

    public InputStager Stager { get; } = new([new InlineSource()]);

    public WasmExecutor Executor { get; }

    /// <summary>The compute meter's measurements, Wasm module cache lookups among them.</summary>
    public MetricRecorder Metrics { get; } = new();

    /// <summary>The request of the last run, to look at its result directories.</summary>
    public ExecutionRequest? LastRequest { get; private set; }

    public async Task<RunCommandResult> RunAsync(JobTask task, CancellationToken cancellationToken = default)
    {
        var workingDirectory = Directory.CreateDirectory(Path.Combine(_root, $"e-{Interlocked.Increment(ref _runs)}")).FullName;
        var inputs = await Stager.StageAsync(task, workingDirectory, cancellationToken);
        var results = ExecutionSandbox.CreateResultDirectories(workingDirectory, task.ResultPaths);
        LastRequest = new ExecutionRequest(
            new Execution { ID = "e-test", Job = new Job { Tasks = [task] } },
            workingDirectory,
            inputs,
            results,
            Path.Combine(workingDirectory, "stdout"),
            Path.Combine(workingDirectory, "stderr"));
        return await Executor.RunAsync(LastRequest, cancellationToken);
    }

    public void Dispose()
    {
        _modules.Dispose();
        _runtime.Dispose();
        Metrics.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>A wasm task whose entry module is the given WAT, inlined as <c>/main.wasm</c>.</summary>
    public static JobTask Task(string wat, params InputSource[] inputs) => new()
    {
        Name = "main",
        Engine = new SpecConfig { Type = EngineTypes.Wasm, Params = { ["EntryModule"] = Json("main.wasm") } },
        InputSources = [Inline("/main.wasm", Wat.ToDataUrl(wat)), .. inputs],
    };

    public static InputSource Inline(string target, string dataUrl) => new()
    {
        Target = target,
        Source = new SpecConfig { Type = SourceTypes.Inline, Params = { ["URL"] = Json(dataUrl) } },
    };

    public static JsonElement Json<T>(T value) => JsonSerializer.SerializeToElement(value);
}

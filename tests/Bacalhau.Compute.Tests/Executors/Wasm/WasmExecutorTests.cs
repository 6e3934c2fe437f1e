using System.Diagnostics;
using Bacalhau.Compute.Executors.Wasm;
using Bacalhau.JobSpecs;

namespace Bacalhau.Compute.Tests.Executors.Wasm;

public sealed class WasmExecutorTests : IDisposable
{
    // Only against a hang: how soon the run stops is not measured, as a loaded machine may take its time.
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);
    private readonly WasmTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    // Preopens: "/" holding main.wasm (3), "/inputs" (4), "/outputs" (5).
    private static readonly string CopyInputFromInputsToOutputs = WatModules.CopyInput(inputFd: 4, outputFd: 5);

    [Fact]
    public async Task Wasmtime_is_available()
    {
        Assert.True(await _bed.Executor.IsAvailableAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Stdout_of_a_module_is_captured()
    {
        var result = await _bed.RunAsync(WasmTestBed.Task(WatModules.Hello));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("hello from wat\n", result.Stdout);
        Assert.False(result.StdoutTruncated);
        Assert.Equal("", result.ErrorMsg);
    }

    [Fact]
    public async Task Proc_exit_sets_the_exit_code_and_stderr_is_captured()
    {
        var result = await _bed.RunAsync(WasmTestBed.Task(WatModules.ExitThree));

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("oops", result.Stderr);
    }

    [Fact]
    public async Task Parameters_follow_the_module_name_in_argv()
    {
        var task = WasmTestBed.Task(WatModules.PrintArgs);
        task.Engine.Params["Parameters"] = WasmTestBed.Json<string[]>(["a", "b c"]);

        var result = await _bed.RunAsync(task);

        Assert.Equal("main.wasm\0a\0b c\0", result.Stdout);
    }

    [Fact]
    public async Task A_module_reads_its_input_file_and_writes_a_result_path()
    {
        var task = WasmTestBed.Task(CopyInputFromInputsToOutputs, WasmTestBed.Inline("/inputs/x.txt", "data:,some%20input"));
        task.ResultPaths = [new() { Name = "out", Path = "/outputs" }];

        var result = await _bed.RunAsync(task);

        Assert.Equal("", result.Stderr);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("some input", result.Stdout);
        var output = _bed.LastRequest!.Results[0].HostPath;
        Assert.Equal("some input", await File.ReadAllTextAsync(Path.Combine(output, "copy.txt")));
    }

    [Fact]
    public async Task Input_files_sharing_a_directory_are_all_visible()
    {
        var task = WasmTestBed.Task(CopyInputFromInputsToOutputs,
            WasmTestBed.Inline("/inputs/other.txt", "data:,other"),
            WasmTestBed.Inline("/inputs/x.txt", "data:,the%20one"));
        task.ResultPaths = [new() { Name = "out", Path = "/outputs" }];

        var result = await _bed.RunAsync(task);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("the one", result.Stdout);
    }

    [Fact]
    public async Task A_trap_is_a_non_zero_exit_naming_the_trap()
    {
        var result = await _bed.RunAsync(WasmTestBed.Task(WatModules.Trap));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("unreachable", result.ErrorMsg, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Cancellation_stops_an_infinite_loop()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();

        // A loop that cancellation does not reach runs until StopTimeout, which fails with a TimeoutException.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _bed.RunAsync(WasmTestBed.Task(WatModules.Spin), cancel.Token).WaitAsync(StopTimeout));

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(300), $"stopped after {watch.Elapsed}, before it was cancelled");
    }

    [Fact]
    public async Task A_missing_entrypoint_is_an_error_naming_it()
    {
        var task = WasmTestBed.Task(WatModules.Hello);
        task.Engine.Params["Entrypoint"] = WasmTestBed.Json("main");

        var error = await Assert.ThrowsAsync<WasmException>(() => _bed.RunAsync(task));

        Assert.Contains("'main'", error.Message, StringComparison.Ordinal);
        Assert.Contains("_start", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_entry_module_naming_no_input_is_an_error_listing_the_targets()
    {
        var task = WasmTestBed.Task(WatModules.Hello);
        task.Engine.Params["EntryModule"] = WasmTestBed.Json("/nope.wasm");

        var error = await Assert.ThrowsAsync<WasmException>(() => _bed.RunAsync(task));

        Assert.Contains("/nope.wasm", error.Message, StringComparison.Ordinal);
        Assert.Contains("/main.wasm", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wasm.yaml")]
    [InlineData("wasm_legacy.yaml")]
    public async Task The_conformance_module_says_hello(string fileName)
    {
        var job = JobSpecReader.Read(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "bacalhau-jobs", fileName)));

        var result = await _bed.RunAsync(job.Tasks[0]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Hello, world!", result.Stdout, StringComparison.Ordinal);
    }
}

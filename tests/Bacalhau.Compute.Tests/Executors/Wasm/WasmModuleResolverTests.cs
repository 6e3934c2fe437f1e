using Bacalhau.Compute.Executors;
using Bacalhau.Compute.Executors.Wasm;
using Bacalhau.Compute.Inputs;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Compute.Tests.Executors.Wasm;

/// <summary>A module reference names a staged input or a file inside one; it never leads to another file of the host.</summary>
public sealed class WasmModuleResolverTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bacalhau-modules-").FullName;
    private readonly WasmModuleResolver _resolver = new(new InputStager([new InlineSource()]));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_file_inside_a_directory_input_is_found()
    {
        var request = RequestWithDirectoryInput("/in");
        await File.WriteAllTextAsync(Path.Combine(_root, "input", "main.wasm"), "module");

        var module = await _resolver.ResolveAsync(WasmTestBed.Json("/in/main.wasm"), "EntryModule", request, CancellationToken.None);

        Assert.Equal(Path.Combine(_root, "input", "main.wasm"), module.HostPath);
    }

    [Fact]
    public async Task A_link_inside_a_directory_input_does_not_lead_out_of_it()
    {
        var request = RequestWithDirectoryInput("/in");
        await File.WriteAllTextAsync(Path.Combine(_root, "secret.wasm"), "host file");
        File.CreateSymbolicLink(Path.Combine(_root, "input", "main.wasm"), Path.Combine(_root, "secret.wasm"));

        var refused = await Assert.ThrowsAsync<WasmException>(() => _resolver.ResolveAsync(WasmTestBed.Json("/in/main.wasm"), "EntryModule", request, CancellationToken.None));

        Assert.Equal("wasm: EntryModule '/in/main.wasm' names no input source (targets: /in)", refused.Message);
    }

    [Theory]
    [InlineData("/in/../secret.wasm")]
    [InlineData("../secret.wasm")]
    public async Task A_reference_that_goes_up_is_refused(string path)
    {
        var request = RequestWithDirectoryInput("/in");
        await File.WriteAllTextAsync(Path.Combine(_root, "secret.wasm"), "host file");

        var refused = await Assert.ThrowsAsync<WasmException>(() => _resolver.ResolveAsync(WasmTestBed.Json(path), "EntryModule", request, CancellationToken.None));

        Assert.Equal($"wasm: EntryModule: must not contain '.' or '..' segments, got '{path}'", refused.Message);
    }

    private ExecutionRequest RequestWithDirectoryInput(string target)
    {
        var input = Directory.CreateDirectory(Path.Combine(_root, "input")).FullName;
        return Requests.For(new JobTask { InputSources = [new InputSource { Target = target }] }, inputs: [new MountedInput(input, target)]);
    }
}

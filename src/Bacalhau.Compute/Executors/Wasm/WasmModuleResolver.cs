using System.Text.Json;
using Bacalhau.Compute.Inputs;
using Bacalhau.Contracts.Serialization;
using Bacalhau.JobSpecs;

namespace Bacalhau.Compute.Executors.Wasm;

/// <summary>A module file on the host and the name it goes by (argv[0] for the entry module, the import namespace otherwise).</summary>
internal sealed record WasmModuleFile(string Name, string HostPath);

/// <summary>
/// Finds the host files of the entry and import modules. A path names a staged input by its target (with or
/// without the leading '/') or alias, or a file inside a staged directory input; a legacy mapping is staged here.
/// </summary>
internal sealed class WasmModuleResolver(InputStager stager)
{
    public async Task<WasmModuleFile> ResolveAsync(JsonElement module, string label, ExecutionRequest request, CancellationToken cancellationToken)
    {
        if (module.ValueKind == JsonValueKind.Object)
        {
            var input = module.Deserialize(BacalhauJsonContext.Default.InputSource)
                ?? throw new WasmException($"wasm: {label} is not an input source mapping");
            var directory = Path.Combine(request.WorkingDirectory, "wasm", "modules", label.Replace('[', '-').Replace("]", "", StringComparison.Ordinal));
            var staged = await stager.StageAsync(input, directory, label, cancellationToken);
            return new WasmModuleFile(NameOf(input.Target, input.Alias, "main.wasm"), RequireFile(staged.HostPath, label));
        }

        var path = module.GetString() ?? "";
        if (SandboxPaths.ReferenceProblem(path) is { } problem)
        {
            throw new WasmException($"wasm: {label}: {problem}");
        }

        return new WasmModuleFile(NameOf(path, "", "main.wasm"), RequireFile(Find(path, request) ?? throw NotFound(path, label, request), label));
    }

    private static string? Find(string path, ExecutionRequest request)
    {
        var wanted = path.Trim().TrimStart('/');
        for (var i = 0; i < request.Inputs.Count; i++)
        {
            var alias = i < request.Task.InputSources.Count ? request.Task.InputSources[i].Alias : "";
            if (request.Inputs[i].Target.Trim('/') == wanted || (alias.Length > 0 && alias == path))
            {
                return request.Inputs[i].HostPath;
            }
        }

        // A file inside a mounted directory, the deepest mount first.
        foreach (var input in request.Inputs.Where(i => Directory.Exists(i.HostPath)).OrderByDescending(i => i.Target.Length))
        {
            var prefix = input.Target.Trim('/');
            var rest = prefix.Length == 0 ? wanted : wanted.StartsWith(prefix + "/", StringComparison.Ordinal) ? wanted[(prefix.Length + 1)..] : null;
            if (rest is null)
            {
                continue;
            }

            // Links followed: a link inside the input must not hand the module a file from elsewhere on the host.
            var root = RealPath.Resolve(input.HostPath);
            var candidate = RealPath.Resolve(Path.Combine(root, rest));
            if (candidate.StartsWith(Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string NameOf(string target, string alias, string fallback) =>
        Path.GetFileName(target.TrimEnd('/')) is { Length: > 0 } name ? name : alias.Length > 0 ? alias : fallback;

    private static string RequireFile(string hostPath, string label) =>
        File.Exists(hostPath) ? hostPath : throw new WasmException($"wasm: {label} is not a file");

    private static WasmException NotFound(string path, string label, ExecutionRequest request) =>
        new($"wasm: {label} '{path}' names no input source (targets: {string.Join(", ", request.Inputs.Select(i => i.Target))})");
}

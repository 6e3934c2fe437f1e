using System.Text.Json;
using System.Text.Json.Nodes;
using Bacalhau.IntegrationTests.Infrastructure;
using Bacalhau.JobSpecs;

namespace Bacalhau.Bench.Wasm;

/// <summary>
/// The WASI module of Bacalhau's own conformance job (<c>wasm.yaml</c>: a Rust program that prints a greeting), as
/// bytes, as a file for <c>bacalhau wasm run</c>, and as a batch job that inlines it.
/// </summary>
internal static class ConformanceModule
{
    public const string Greeting = "Hello, world!";

    public static byte[] Bytes { get; } = Load();

    /// <summary>A batch job running the module, as <c>bacalhau wasm run</c> builds it.</summary>
    public static JsonElement Job { get; } = JsonSerializer.SerializeToElement(new JsonObject
    {
        ["Type"] = "batch",
        ["Count"] = 1,
        ["Tasks"] = new JsonArray(new JsonObject
        {
            ["Name"] = "main",
            ["Engine"] = new JsonObject { ["Type"] = "wasm", ["Params"] = new JsonObject { ["EntryModule"] = "/main.wasm" } },
            ["InputSources"] = new JsonArray(new JsonObject
            {
                ["Target"] = "/main.wasm",
                ["Source"] = new JsonObject { ["Type"] = "inline", ["Params"] = new JsonObject { ["URL"] = "data:application/wasm;base64," + Convert.ToBase64String(Bytes) } },
            }),
        }),
    });

    /// <summary>Writes the module as <c>main.wasm</c> into <paramref name="directory"/> and returns its path.</summary>
    public static string WriteTo(string directory)
    {
        var path = Path.Combine(directory, "main.wasm");
        File.WriteAllBytes(path, Bytes);
        return path;
    }

    private static byte[] Load()
    {
        var job = JobSpecReader.Read(File.ReadAllText(RepositoryPaths.ConformanceJob("wasm.yaml")));
        var url = job.Tasks[0].InputSources[0].Source.Params["URL"].GetString()
            ?? throw new InvalidOperationException("wasm.yaml: the module's inline source has no URL");
        // The YAML folds the base64 over lines; the decoder skips the white space.
        return Convert.FromBase64String(url[(url.IndexOf(',', StringComparison.Ordinal) + 1)..]);
    }
}

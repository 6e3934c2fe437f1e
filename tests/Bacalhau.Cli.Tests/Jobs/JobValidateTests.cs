using Bacalhau.Cli.Tests.Infrastructure;

namespace Bacalhau.Cli.Tests.Jobs;

/// <summary><c>bacalhau job validate</c> works offline, with the rules the API applies: no orchestrator runs here.</summary>
public sealed class JobValidateTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("bacalhau-validate-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Theory]
    [InlineData("noop.yaml")]
    [InlineData("nameless.yaml")]
    [InlineData("docker.yaml")]
    [InlineData("docker-hello.yaml")]
    [InlineData("docker-output.json")]
    [InlineData("wasm.yaml")]
    [InlineData("wasm_legacy.yaml")]
    public async Task Bacalhau_s_own_specs_are_valid(string spec)
    {
        var result = await CliProcess.RunAsync(_dataDir, "job", "validate", Conformance(spec));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("OK", result.Stdout.Trim());
    }

    [Fact]
    public async Task A_spec_the_API_refuses_is_refused_in_one_line_naming_the_field()
    {
        var result = await CliProcess.RunAsync(_dataDir, "job", "validate", Conformance("custom-task-type.yaml"));

        Assert.NotEqual(0, result.ExitCode);
        var line = Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.StartsWith("Error: ", line, StringComparison.Ordinal);
        Assert.Contains("Tasks[0].Engine.Type", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_count_over_the_limit_and_a_path_out_of_the_sandbox_are_both_named()
    {
        var spec = Path.Combine(_dataDir, "bad.yaml");
        await File.WriteAllTextAsync(spec, "count: 5000\ntasks:\n  - engine: {type: noop}\n    resultPaths: [{name: out, path: /outputs/../etc}]\n");

        var result = await CliProcess.RunAsync(_dataDir, "job", "validate", spec);

        Assert.NotEqual(0, result.ExitCode);
        var line = Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.Contains("Count: at most 1000", line, StringComparison.Ordinal);
        Assert.Contains("Tasks[0].ResultPaths[0].Path", line, StringComparison.Ordinal);
    }

    private static string Conformance(string name) => Path.Combine(AppContext.BaseDirectory, "bacalhau-jobs", name);
}

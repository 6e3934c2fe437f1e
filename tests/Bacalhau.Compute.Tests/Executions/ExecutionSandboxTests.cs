using Bacalhau.Compute.Executions;
using Bacalhau.Compute.Executors;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Compute.Tests.Executions;

/// <summary>Specs that never passed the API's validation still cannot make the node touch anything outside the execution.</summary>
public sealed class ExecutionSandboxTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bacalhau-sandbox-").FullName;

    private string WorkingDirectory => Path.Combine(_root, "data", "executions", "e-1");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("/etc", "ResultPaths[0].Name: must be a plain name without '/' or '\\', got '/etc'")]
    [InlineData("../../..", "ResultPaths[0].Name: must be a plain name without '/' or '\\', got '../../..'")]
    [InlineData("..", "ResultPaths[0].Name: must be a plain name, not '..'")]
    public void A_result_name_that_leaves_the_outputs_directory_fails_the_execution_and_creates_nothing(string name, string error)
    {
        var resultPaths = new List<ResultPath> { new() { Name = name, Path = "/out" } };

        var refused = Assert.Throws<ExecutionFailedException>(() => ExecutionSandbox.ThrowIfUnsafe(new JobTask { ResultPaths = resultPaths }));
        var refusedAgain = Assert.Throws<ExecutionFailedException>(() => ExecutionSandbox.CreateResultDirectories(WorkingDirectory, resultPaths));

        Assert.Contains(error, refused.Message, StringComparison.Ordinal);
        Assert.Equal(error, refusedAgain.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
    }

    [Fact]
    public void Paths_and_targets_that_are_not_clean_absolute_paths_fail_the_execution_naming_every_field()
    {
        var task = new JobTask
        {
            ResultPaths = [new ResultPath { Name = "out", Path = "/out/../.." }],
            InputSources = [new InputSource { Target = "in", Source = new SpecConfig { Type = SourceTypes.Inline } }, new InputSource { Target = "/in", Alias = "a\0" }],
        };

        var refused = Assert.Throws<ExecutionFailedException>(() => ExecutionSandbox.ThrowIfUnsafe(task));

        Assert.Contains("ResultPaths[0].Path: must be a normalised absolute path", refused.Message, StringComparison.Ordinal);
        Assert.Contains("InputSources[0].Target: must be an absolute path, got 'in'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("InputSources[1].Alias: must not contain control characters", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Result_directories_are_created_under_the_outputs_directory_of_the_execution()
    {
        var directories = ExecutionSandbox.CreateResultDirectories(WorkingDirectory, [new ResultPath { Name = "out", Path = "/out" }, new ResultPath { Name = "logs", Path = "/var/log/app" }]);

        Assert.Equal([Path.Combine(WorkingDirectory, "outputs", "out"), Path.Combine(WorkingDirectory, "outputs", "logs")], directories.Select(d => d.HostPath));
        Assert.Equal(["/out", "/var/log/app"], directories.Select(d => d.Path));
        Assert.All(directories, d => Assert.True(Directory.Exists(d.HostPath)));
    }

    [Fact]
    public void A_task_without_result_paths_costs_no_file_system_work()
    {
        Assert.Empty(ExecutionSandbox.CreateResultDirectories(WorkingDirectory, []));

        Assert.False(Directory.Exists(WorkingDirectory));
    }

    [Fact]
    public void A_result_directory_that_is_a_link_out_of_the_execution_is_not_followed()
    {
        var elsewhere = Directory.CreateDirectory(Path.Combine(_root, "elsewhere")).FullName;
        Directory.CreateDirectory(Path.Combine(WorkingDirectory, "outputs"));
        Directory.CreateSymbolicLink(Path.Combine(WorkingDirectory, "outputs", "out"), elsewhere);

        var refused = Assert.Throws<ExecutionFailedException>(() => ExecutionSandbox.CreateResultDirectories(WorkingDirectory, [new ResultPath { Name = "out", Path = "/out" }]));

        Assert.StartsWith($"ResultPaths[0].Name: 'out' leads to '{elsewhere}'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_outputs_directory_that_is_a_link_is_not_written_through()
    {
        var elsewhere = Path.Combine(_root, "not-created");
        Directory.CreateDirectory(WorkingDirectory);
        Directory.CreateSymbolicLink(Path.Combine(WorkingDirectory, "outputs"), elsewhere);

        var refused = Assert.Throws<ExecutionFailedException>(() => ExecutionSandbox.CreateResultDirectories(WorkingDirectory, [new ResultPath { Name = "out", Path = "/out" }]));

        Assert.Contains($"leads to '{elsewhere}'", refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(elsewhere));
    }
}

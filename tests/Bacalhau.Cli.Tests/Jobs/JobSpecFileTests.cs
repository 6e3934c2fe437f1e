using System.Text.Json;
using Bacalhau.Cli.Jobs;

namespace Bacalhau.Cli.Tests.Jobs;

public sealed class JobSpecFileTests
{
    private static readonly string Conformance = Path.Combine(RepositoryRoot(), "tests", "conformance", "bacalhau-jobs");

    [Fact]
    public void A_yaml_spec_becomes_json_with_yaml_typing()
    {
        var spec = JobSpecFile.Read(Path.Combine(Conformance, "docker.yaml"), TextReader.Null);

        Assert.Equal(JsonValueKind.Number, spec.GetProperty("Count").ValueKind);
        Assert.Equal(1, spec.GetProperty("Count").GetInt32());
        var engine = spec.GetProperty("Tasks")[0].GetProperty("Engine");
        Assert.Equal("busybox:1.37.0", engine.GetProperty("Params").GetProperty("Image").GetString());
        // "15" stays a string inside a command line; only plain YAML scalars are typed.
        Assert.Equal("echo 15", engine.GetProperty("Params").GetProperty("Parameters")[1].GetString());
    }

    [Fact]
    public void A_json_spec_and_standard_input_are_read_as_they_are()
    {
        var json = File.ReadAllText(Path.Combine(Conformance, "docker-output.json"));

        var spec = JobSpecFile.Read("-", new StringReader(json));

        Assert.Equal("Docker Job With Output", spec.GetProperty("Name").GetString());
        Assert.Equal("/output_custom", spec.GetProperty("Tasks")[0].GetProperty("ResultPaths")[0].GetProperty("Path").GetString());
    }

    [Theory]
    [InlineData("Name: [unclosed", "invalid YAML at line")]
    [InlineData("- just\n- a list\n", "must be a mapping")]
    [InlineData("", "is empty")]
    public void A_spec_that_is_not_a_job_is_refused_clearly(string text, string message)
    {
        var error = Assert.Throws<CliException>(() => JobSpecFile.Read("-", new StringReader(text)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var error = Assert.Throws<CliException>(() => JobSpecFile.Read("missing.yaml", TextReader.Null));

        Assert.Equal("job spec 'missing.yaml' not found", error.Message);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Bacalhau.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Bacalhau.sln not found");
    }
}

using Bacalhau.Compute.Executors;
using Bacalhau.Compute.Executors.Docker;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Compute.Tests.Executors.Docker;

public sealed class DockerEngineSpecTests
{
    [Fact]
    public void Numbers_and_booleans_from_YAML_become_the_text_they_were_written_as()
    {
        var spec = DockerEngineSpec.From(Requests.Engine(EngineTypes.Docker,
            ("image", "busybox:1.37.0"),
            ("Parameters", new object[] { "-c", 15, 2.5, true }),
            ("EnvironmentVariables", new object[] { "A=1" })));

        Assert.Equal("busybox:1.37.0", spec.Image);
        Assert.Equal(["-c", "15", "2.5", "true"], spec.Parameters);
        Assert.Equal(["A=1"], spec.EnvironmentVariables);
        Assert.Null(spec.Entrypoint);
        Assert.Null(spec.WorkingDirectory);
    }

    [Fact]
    public void An_entrypoint_given_replaces_the_images_own()
    {
        var spec = DockerEngineSpec.From(Requests.Engine(EngineTypes.Docker, ("Image", "ubuntu"), ("ENTRYPOINT", new List<string> { "/bin/sh" }), ("WorkingDirectory", "/data")));

        Assert.Equal(["/bin/sh"], spec.Entrypoint);
        Assert.Equal("/data", spec.WorkingDirectory);
    }

    [Fact]
    public void A_missing_image_fails_the_execution_naming_the_parameter()
    {
        var error = Assert.Throws<ExecutionFailedException>(() => DockerEngineSpec.From(Requests.Engine(EngineTypes.Docker, ("Parameters", new List<string> { "x" }))));

        Assert.Contains("Image", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_parameter_given_as_text_is_refused()
    {
        var error = Assert.Throws<ExecutionFailedException>(() => DockerEngineSpec.From(Requests.Engine(EngineTypes.Docker, ("Image", "ubuntu"), ("Parameters", "-c"))));

        Assert.Contains("Parameters", error.Message, StringComparison.Ordinal);
    }
}

using Bacalhau.Compute.Executors;
using Bacalhau.Compute.Executors.Docker;
using Bacalhau.Core.Models;
using Bacalhau.Core.Models.Jobs;

namespace Bacalhau.Compute.Tests.Executors.Docker;

public sealed class ContainerDefinitionTests
{
    private static readonly DockerEngineSpec Spec = new("busybox:1.37.0", ["/bin/sh"], ["-c", "echo hi"], ["B=2"], "/data");

    [Theory]
    [InlineData("", "none")]
    [InlineData("None", "none")]
    [InlineData("host", "host")]
    [InlineData("Full", "host")]
    [InlineData("HTTP", "host")]
    public void Containers_get_no_network_unless_the_job_asks_for_one(string type, string mode) =>
        Assert.Equal(mode, ContainerDefinition.NetworkMode(new NetworkConfig { Type = type }));

    [Fact]
    public void The_allocated_resources_are_the_containers_limits()
    {
        var request = Requests.For(new JobTask(), new Resources { CPU = 0.5, Memory = 64_000_000 });

        var host = ContainerDefinition.Create(request, Spec, "n-1").HostConfig;

        Assert.Equal(64_000_000, host.Memory);
        Assert.Equal(64_000_000, host.MemorySwap);
        Assert.Equal(500_000_000, host.NanoCPUs);
        Assert.Equal("none", host.NetworkMode);
    }

    [Fact]
    public void Inputs_are_mounted_read_only_and_result_paths_read_write()
    {
        var request = Requests.For(new JobTask(), inputs: [new MountedInput("/w/inputs/0/in", "/in")], results: [new ResultDirectory("out", "/out", "/w/outputs/out")]);

        var binds = ContainerDefinition.Create(request, Spec, "n-1").HostConfig.Binds;

        Assert.Equal(["/w/inputs/0/in:/in:ro", "/w/outputs/out:/out:rw"], binds);
    }

    [Fact]
    public void The_container_carries_the_command_the_environment_and_labels_to_find_it_by()
    {
        var request = Requests.For(new JobTask { Env = new() { ["A"] = "1" } });

        var container = ContainerDefinition.Create(request, Spec, "n-1");

        Assert.Equal("busybox:1.37.0", container.Image);
        Assert.Equal(["/bin/sh"], container.Entrypoint);
        Assert.Equal(["-c", "echo hi"], container.Cmd);
        Assert.Equal(["A=1", "B=2"], container.Env);
        Assert.Equal("/data", container.WorkingDir);
        Assert.Equal("true", container.Labels[DockerLabels.Managed]);
        Assert.Equal("n-1", container.Labels[DockerLabels.NodeId]);
        Assert.Equal("e-1", container.Labels[DockerLabels.ExecutionId]);
        Assert.Equal("j-1", container.Labels[DockerLabels.JobId]);
    }
}

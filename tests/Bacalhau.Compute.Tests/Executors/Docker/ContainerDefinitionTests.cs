using Bacalhau.Compute.Executors;
using Bacalhau.Compute.Executors.Docker;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using CreateContainerParameters = Docker.DotNet.Models.CreateContainerParameters;

namespace Bacalhau.Compute.Tests.Executors.Docker;

public sealed class ContainerDefinitionTests
{
    private static readonly DockerEngineSpec Spec = new("busybox:1.37.0", ["/bin/sh"], ["-c", "echo hi"], ["B=2"], "/data");
    private static readonly DockerOptions Options = new();

    [Theory]
    [InlineData("", false, "none")]
    [InlineData("None", false, "none")]
    [InlineData("host", true, "host")]
    [InlineData("Full", true, "host")]
    public void Containers_get_no_network_unless_the_job_asks_for_one_and_the_node_accepts_it(string type, bool accept, string mode)
    {
        var request = Requests.For(new JobTask { Network = new NetworkConfig { Type = type } });

        Assert.Equal(mode, Create(request, accept).HostConfig.NetworkMode);
    }

    [Theory]
    [InlineData("Host", false, "this node does not accept networked jobs (Host)")]
    [InlineData("HTTP", true, "HTTP networking (HTTP(S) to the listed domains only) cannot be enforced on this node")]
    public void A_network_the_node_does_not_give_fails_the_execution_instead_of_being_widened(string type, bool accept, string error)
    {
        var request = Requests.For(new JobTask { Network = new NetworkConfig { Type = type, Domains = type == "HTTP" ? ["example.com"] : [] } });

        var refused = Assert.Throws<ExecutionFailedException>(() => Create(request, accept));

        Assert.StartsWith(error, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_allocated_resources_are_the_containers_limits()
    {
        var request = Requests.For(new JobTask(), new Resources { CPU = 0.5, Memory = 64_000_000 });

        var host = Create(request).HostConfig;

        Assert.Equal(64_000_000, host.Memory);
        Assert.Equal(64_000_000, host.MemorySwap);
        Assert.Equal(500_000_000, host.NanoCPUs);
        Assert.Equal("none", host.NetworkMode);
    }

    [Fact]
    public void GPUs_are_asked_of_Docker_as_a_device_request_only_when_the_job_has_them()
    {
        var gpu = Create(Requests.For(new JobTask(), new Resources { GPU = 2 })).HostConfig.DeviceRequests;
        var none = Create(Requests.For(new JobTask(), new Resources { CPU = 1 })).HostConfig.DeviceRequests;

        var request = Assert.Single(gpu);
        Assert.Equal(2, request.Count);
        Assert.Equal([["gpu"]], request.Capabilities.Select(c => c.ToArray()));
        Assert.Null(none);
    }

    [Fact]
    public void A_job_that_asks_for_no_limits_gets_the_nodes_defaults()
    {
        var options = new DockerOptions { DefaultMemory = "256Mi", DefaultCPU = "1500m", PidsLimit = 64 };

        var host = ContainerDefinition.Create(Requests.For(new JobTask()), Spec, "n-1", options, acceptNetworkedJobs: false).HostConfig;

        Assert.Equal(256L * 1024 * 1024, host.Memory);
        Assert.Equal(256L * 1024 * 1024, host.MemorySwap);
        Assert.Equal(1_500_000_000, host.NanoCPUs);
        Assert.Equal(64, host.PidsLimit);
    }

    [Fact]
    public void Containers_are_unprivileged_with_few_capabilities_and_no_new_privileges()
    {
        var host = Create(Requests.For(new JobTask())).HostConfig;

        Assert.False(host.Privileged);
        Assert.Equal(["ALL"], host.CapDrop);
        Assert.DoesNotContain("NET_RAW", host.CapAdd);
        Assert.DoesNotContain("SYS_ADMIN", host.CapAdd);
        Assert.DoesNotContain("MKNOD", host.CapAdd);
        Assert.Equal(["no-new-privileges"], host.SecurityOpt);
        Assert.Equal(1024, host.PidsLimit);
    }

    [Fact]
    public void Inputs_are_mounted_read_only_and_result_paths_read_write_and_nothing_else()
    {
        var request = Requests.For(new JobTask(), inputs: [new MountedInput("/w/inputs/0/in", "/in/")], results: [new ResultDirectory("out", "/out", "/w/outputs/out")]);

        var host = Create(request).HostConfig;

        Assert.Null(host.Binds);
        Assert.Equal(
            [("bind", "/w/inputs/0/in", "/in", true), ("bind", "/w/outputs/out", "/out", false)],
            host.Mounts.Select(m => (m.Type, m.Source, m.Target, m.ReadOnly)));
    }

    [Theory]
    [InlineData("/out/../../etc")]
    [InlineData("out")]
    [InlineData("/")]
    public void A_mount_target_that_is_not_a_clean_absolute_path_fails_the_execution(string target)
    {
        var request = Requests.For(new JobTask(), results: [new ResultDirectory("out", target, "/w/outputs/out")]);

        var refused = Assert.Throws<ExecutionFailedException>(() => Create(request));

        Assert.StartsWith($"mount target '{target}': ", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_container_carries_the_command_the_environment_and_labels_to_find_it_by()
    {
        var request = Requests.For(new JobTask { Env = new() { ["A"] = "1" } });

        var container = Create(request);

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

    private static CreateContainerParameters Create(ExecutionRequest request, bool acceptNetworkedJobs = false) =>
        ContainerDefinition.Create(request, Spec, "n-1", Options, acceptNetworkedJobs);
}

using System.Runtime.InteropServices;
using System.Text.Json;
using Bacalhau.Cli.Tests.Infrastructure;

namespace Bacalhau.Cli.Tests.Serve;

/// <summary>
/// Bacalhau's node settings on a real hybrid node started with the CLI: what it offers (AllocatedCapacity, GPUs found
/// by nvidia-smi, labels, its name) as `node list` and `node describe` show it, and what that lets the scheduler place.
/// </summary>
public sealed class NodeConfigTests
{
    /// <summary>No environment but the usual: this machine has no nvidia-smi.</summary>
    private static readonly Dictionary<string, string> NoGpuTool = [];

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task A_fake_nvidia_smi_gives_GPUs_and_allocated_capacity_labels_and_name_are_what_the_node_offers()
    {
        await using var cluster = new LocalCluster();
        var dataDir = cluster.NewDataDir();
        var tools = Directory.CreateDirectory(Path.Combine(dataDir, "tools")).FullName;
        FakeNvidiaSmi(tools, "0, NVIDIA A100-SXM4-40GB, 40960", "1, Tesla T4, 15360");
        var path = $"{tools}:{Environment.GetEnvironmentVariable("PATH")}";

        var apiPort = await cluster.StartHybridAsync(
            dataDir,
            new Dictionary<string, string> { ["PATH"] = path },
            "--Compute.AllocatedCapacity.CPU=1", "--Compute.AllocatedCapacity.Memory=1Gi", "--Compute.AllocatedCapacity.GPU=50%",
            "--labels", "env=test,zone=a", "--NameProvider=hostname");

        var node = await ComputeNodeAsync(dataDir, apiPort);
        var info = node.GetProperty("Info");
        Assert.Equal(Environment.MachineName, info.GetProperty("NodeID").GetString());
        var capacity = info.GetProperty("ComputeNodeInfo").GetProperty("MaxCapacity");
        Assert.Equal(1, capacity.GetProperty("CPU").GetDouble());
        Assert.Equal(1L << 30, capacity.GetProperty("Memory").GetInt64());
        // Half of two GPUs.
        Assert.Equal(1, capacity.GetProperty("GPU").GetInt32());
        var labels = info.GetProperty("Labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal("linux", labels["Operating-System"]);
        Assert.Equal(RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "arm64" : "amd64", labels["Architecture"]);
        Assert.Equal(Environment.MachineName, labels["hostname"]);
        Assert.Equal("NVIDIA-A100-SXM4-40GB", labels["GPU-0"]);
        Assert.Equal("40960-MiB", labels["GPU-0-Memory"]);
        Assert.Equal("Tesla-T4", labels["GPU-1"]);
        Assert.Equal("test", labels["env"]);
        Assert.Equal("a", labels["zone"]);

        var describe = await CliProcess.RunAsync(dataDir, "node", "describe", Environment.MachineName, "--api-port", $"{apiPort}");
        Assert.True(describe.ExitCode == 0, describe.ToString());
        Assert.Contains("Operating-System: linux", describe.Stdout, StringComparison.Ordinal);
        Assert.Contains("GPU-1: Tesla-T4", describe.Stdout, StringComparison.Ordinal);

        var gpuJob = await RunNoopJobAsync(dataDir, apiPort, "Resources: {GPU: \"1\"}");
        Assert.True(gpuJob.ExitCode == 0, gpuJob.ToString());
        Assert.Contains("Completed", gpuJob.Stdout, StringComparison.Ordinal);

        // More CPU than the node allocates is more than it has, whatever the machine has.
        var tooBig = await RunNoopJobAsync(dataDir, apiPort, "Resources: {CPU: \"2\"}");
        Assert.NotEqual(0, tooBig.ExitCode);
        Assert.Contains("has free capacity for the job's resources", tooBig.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_nvidia_smi_a_node_has_no_GPUs_and_a_GPU_job_is_not_placed()
    {
        await using var cluster = new LocalCluster();
        var dataDir = cluster.NewDataDir();
        var apiPort = await cluster.StartHybridAsync(dataDir, NoGpuTool);

        var node = await ComputeNodeAsync(dataDir, apiPort);
        Assert.False(node.GetProperty("Info").GetProperty("ComputeNodeInfo").GetProperty("MaxCapacity").TryGetProperty("GPU", out _));
        Assert.DoesNotContain(node.GetProperty("Info").GetProperty("Labels").EnumerateObject(), l => l.Name.StartsWith("GPU-", StringComparison.Ordinal));

        var gpuJob = await RunNoopJobAsync(dataDir, apiPort, "Resources: {GPU: \"1\"}");
        Assert.NotEqual(0, gpuJob.ExitCode);
        Assert.Contains("has free capacity for the job's resources", gpuJob.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabled_engines_publishers_and_input_sources_are_neither_offered_nor_run()
    {
        await using var cluster = new LocalCluster();
        var dataDir = cluster.NewDataDir();
        var apiPort = await cluster.StartHybridAsync(dataDir, NoGpuTool, "--Engines.Disabled=docker,wasm", "--Publishers.Disabled=local", "--config", "InputSources.Disabled=urlDownload");

        var compute = (await ComputeNodeAsync(dataDir, apiPort)).GetProperty("Info").GetProperty("ComputeNodeInfo");
        Assert.Equal(["noop"], compute.GetProperty("ExecutionEngines").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain("local", compute.GetProperty("Publishers").EnumerateArray().Select(e => e.GetString()));

        var docker = await RunJobAsync(dataDir, apiPort, "Engine: {Type: docker, Params: {Image: busybox}}");
        Assert.NotEqual(0, docker.ExitCode);
        Assert.Contains("offers the 'docker' engine", docker.ToString(), StringComparison.Ordinal);

        var local = await RunNoopJobAsync(dataDir, apiPort, "Publisher: {Type: local}");
        Assert.NotEqual(0, local.ExitCode);
        Assert.Contains("'local' publisher", local.ToString(), StringComparison.Ordinal);

        var url = await RunNoopJobAsync(dataDir, apiPort, "InputSources: [{Target: /in, Source: {Type: urlDownload, Params: {URL: \"http://127.0.0.1:1/x\"}}}]");
        Assert.NotEqual(0, url.ExitCode);
        Assert.Contains("input source type 'urlDownload' is not supported on this node", url.ToString(), StringComparison.Ordinal);
    }

    /// <summary>An nvidia-smi that answers Bacalhau's query, and only it, with <paramref name="lines"/>.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static void FakeNvidiaSmi(string directory, params string[] lines)
    {
        var script = Path.Combine(directory, "nvidia-smi");
        File.WriteAllText(script,
            "#!/bin/sh\n" +
            "[ \"$1\" = \"--query-gpu=index,gpu_name,memory.total\" ] && [ \"$2\" = \"--format=csv,noheader,nounits\" ] || exit 9\n" +
            string.Concat(lines.Select(l => $"echo '{l}'\n")));
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static async Task<JsonElement> ComputeNodeAsync(string dataDir, int apiPort)
    {
        var list = await CliProcess.RunAsync(dataDir, "node", "list", "--output", "json", "--api-port", $"{apiPort}");
        Assert.True(list.ExitCode == 0, list.ToString());
        using var nodes = JsonDocument.Parse(list.Stdout);
        return nodes.RootElement.EnumerateArray().Single(n => n.GetProperty("Info").GetProperty("NodeType").GetString() == "Compute").Clone();
    }

    private static Task<CliResult> RunNoopJobAsync(string dataDir, int apiPort, string taskFields) =>
        RunJobAsync(dataDir, apiPort, $"Engine: {{Type: noop}}\n    {taskFields}");

    /// <summary>
    /// `job run` of a one-task batch job with <paramref name="taskFields"/> (YAML at the task's indentation); a job no
    /// node can take fails after a one-second queue timeout, with the scheduler's reason.
    /// </summary>
    private static async Task<CliResult> RunJobAsync(string dataDir, int apiPort, string taskFields)
    {
        var spec = Path.Combine(dataDir, $"job-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(spec, $"Type: batch\nCount: 1\nTasks:\n  - Name: main\n    Timeouts: {{QueueTimeout: 1}}\n    {taskFields}\n");
        return await CliProcess.RunAsync(dataDir, "job", "run", spec, "--api-port", $"{apiPort}");
    }
}

using Bacalhau.Core.Models.Jobs;
using Docker.DotNet.Models;

namespace Bacalhau.Compute.Executors.Docker;

/// <summary>How an execution's task becomes a container: command, environment, limits, network, mounts and labels.</summary>
public static class ContainerDefinition
{
    public static CreateContainerParameters Create(ExecutionRequest request, DockerEngineSpec spec, string nodeId)
    {
        var execution = request.Execution;
        var task = request.Task;
        var memory = execution.AllocatedResources.Memory;
        return new CreateContainerParameters
        {
            Name = $"bacalhau-{execution.ID}",
            Image = spec.Image,
            Entrypoint = spec.Entrypoint?.ToList(),
            Cmd = spec.Parameters.Count > 0 ? spec.Parameters.ToList() : null,
            Env = [.. task.Env.Select(e => $"{e.Key}={e.Value}"), .. spec.EnvironmentVariables],
            WorkingDir = spec.WorkingDirectory,
            Labels = new Dictionary<string, string>
            {
                [DockerLabels.Managed] = "true",
                [DockerLabels.NodeId] = nodeId,
                [DockerLabels.ExecutionId] = execution.ID,
                [DockerLabels.JobId] = execution.JobID,
            },
            HostConfig = new HostConfig
            {
                NetworkMode = NetworkMode(task.Network),
                // 0 means unlimited to Docker too. Swap is capped at the same figure so the limit really holds.
                Memory = memory,
                MemorySwap = memory,
                NanoCPUs = (long)(execution.AllocatedResources.CPU * 1_000_000_000),
                Binds =
                [
                    .. request.Inputs.Select(input => $"{input.HostPath}:{input.Target}:ro"),
                    .. request.Results.Select(result => $"{result.HostPath}:{result.Path}:rw"),
                ],
                // Output is read through an attachment from before the start, so the daemon needs to keep no log on disk.
                LogConfig = new LogConfig { Type = "none" },
            },
        };
    }

    /// <summary>
    /// No network unless the job asks for one. A daemon may run without a bridge network (<c>--bridge=none</c>), so
    /// every kind a job can ask for (Host, Full, and HTTP, whose domain filter is not enforced) gets the host's network.
    /// </summary>
    public static string NetworkMode(NetworkConfig network) =>
        network.Type.Equals(NetworkTypes.Host, StringComparison.OrdinalIgnoreCase)
        || network.Type.Equals(NetworkTypes.Full, StringComparison.OrdinalIgnoreCase)
        || network.Type.Equals(NetworkTypes.Http, StringComparison.OrdinalIgnoreCase)
            ? "host"
            : "none";
}

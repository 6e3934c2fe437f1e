using Bacalhau.Compute.Executions;
using Bacalhau.JobSpecs;
using Docker.DotNet.Models;

namespace Bacalhau.Compute.Executors.Docker;

/// <summary>How an execution's task becomes a container: command, environment, limits, network, mounts and labels.</summary>
internal static class ContainerDefinition
{
    /// <summary>
    /// The capabilities a container keeps of Docker's defaults: what images commonly need to run as root over their own
    /// files (install packages, change owners, switch users). Raw sockets, device nodes, chroot and the rest are dropped.
    /// </summary>
    internal static readonly IReadOnlyList<string> Capabilities = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID"];

    /// <exception cref="ExecutionFailedException">The task asks for a network this node does not give, or a mount target is not a clean path.</exception>
    public static CreateContainerParameters Create(ExecutionRequest request, DockerEngineSpec spec, string nodeId, DockerOptions options, bool acceptNetworkedJobs)
    {
        var execution = request.Execution;
        var task = request.Task;
        if (NetworkAdmission.Problem(task.Network, acceptNetworkedJobs) is { } refused)
        {
            throw new ExecutionFailedException(refused);
        }

        // A job that asks for no limit gets the node's default: a container is never unbounded.
        var memory = execution.AllocatedResources.Memory > 0 ? execution.AllocatedResources.Memory : options.DefaultMemoryBytes;
        var cpu = execution.AllocatedResources.CPU > 0 ? execution.AllocatedResources.CPU : options.DefaultCpuCores;
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
                NetworkMode = NetworkAdmission.IsNetworked(task.Network) ? "host" : "none",
                // Swap is capped at the same figure so the limit really holds.
                Memory = memory,
                MemorySwap = memory,
                NanoCPUs = (long)(cpu * 1_000_000_000),
                PidsLimit = options.PidsLimit,
                // The job's Resources.GPU, as `docker run --gpus <n>` asks for them: any n of the GPUs the runtime offers.
                DeviceRequests = execution.AllocatedResources.GPU > 0
                    ? [new DeviceRequest { Count = execution.AllocatedResources.GPU, Capabilities = [["gpu"]] }]
                    : null,
                Privileged = false,
                CapDrop = ["ALL"],
                CapAdd = [.. Capabilities],
                SecurityOpt = ["no-new-privileges"],
                // Mounts, unlike binds, never create a missing host path and take no ':'-separated options from the spec.
                Mounts =
                [
                    .. request.Inputs.Select(input => Bind(input.HostPath, input.Target, readOnly: true)),
                    .. request.Results.Select(result => Bind(result.HostPath, result.Path, readOnly: false)),
                ],
                // Output is read through an attachment from before the start, so the daemon needs to keep no log on disk.
                LogConfig = new LogConfig { Type = "none" },
            },
        };
    }

    private static Mount Bind(string hostPath, string target, bool readOnly) =>
        SandboxPaths.ContainerPathProblem(target) is { } problem
            ? throw new ExecutionFailedException($"mount target '{target}': {problem}")
            : new Mount { Type = "bind", Source = hostPath, Target = target.TrimEnd('/'), ReadOnly = readOnly };
}

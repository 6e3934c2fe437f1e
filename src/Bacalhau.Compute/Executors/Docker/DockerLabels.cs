namespace Bacalhau.Compute.Executors.Docker;

/// <summary>Labels put on every container this node creates, so that it can find its own again.</summary>
internal static class DockerLabels
{
    public const string Managed = "bacalhau.managed";
    public const string NodeId = "bacalhau.node-id";
    public const string ExecutionId = "bacalhau.execution-id";
    public const string JobId = "bacalhau.job-id";
}

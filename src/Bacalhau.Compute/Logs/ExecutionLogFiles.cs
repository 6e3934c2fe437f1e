using Bacalhau.Compute.Nodes;

namespace Bacalhau.Compute.Logs;

/// <summary>
/// Where an execution's stdout and stderr are written as they are produced, outside its working directory so
/// they outlive it: <c>&lt;data dir&gt;/logs/&lt;execution&gt;/stdout|stderr</c>. Log streaming tails these files; an
/// execution that writes no output (noop) has none.
/// </summary>
public sealed class ExecutionLogFiles(ComputeIdentity identity)
{
    public (string Stdout, string Stderr) For(string executionId)
    {
        var directory = Path.Combine(identity.DataDir, "logs", executionId);
        return (Path.Combine(directory, "stdout"), Path.Combine(directory, "stderr"));
    }

}

namespace Bacalhau.Contracts.Protocol;

/// <summary>
/// What ties a span to a job, so that the dashboard's filter finds every span of it: the tags, and the NATS headers in
/// which an ordered message carries them, so that the spans of its receiver carry them too.
/// </summary>
public static class JobTrace
{
    public const string JobIdTag = "bacalhau.job.id";
    public const string ExecutionIdTag = "bacalhau.execution.id";
    public const string JobIdHeader = "Bacalhau-JobID";
    public const string ExecutionIdHeader = "Bacalhau-ExecutionID";
}

/// <summary>A data-plane message about one execution of one job.</summary>
public interface IExecutionMessage
{
    string ExecutionID { get; }

    string JobID { get; }
}

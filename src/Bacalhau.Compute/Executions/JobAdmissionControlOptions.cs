namespace Bacalhau.Compute.Executions;

/// <summary>The <c>JobAdmissionControl</c> configuration section: which jobs this node bids on, named as Bacalhau names it.</summary>
public sealed class JobAdmissionControlOptions
{
    public const string SectionName = "JobAdmissionControl";

    /// <summary>
    /// Whether jobs asking for a network (<c>Host</c>, <c>Full</c>) are taken; they get the host's network. Off by
    /// default: a node runs strangers' code, which should not reach the node's network unless its operator says so.
    /// </summary>
    public bool AcceptNetworkedJobs { get; set; }
}

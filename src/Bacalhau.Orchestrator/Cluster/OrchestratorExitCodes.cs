namespace Bacalhau.Orchestrator;

/// <summary>How an orchestrator's host ends, for the process that runs it.</summary>
public static class OrchestratorExitCodes
{
    /// <summary>
    /// It lost the lead of its cluster (EX_TEMPFAIL): its memory may hold what was never committed, so the host is
    /// started anew, and rejoins as a follower.
    /// </summary>
    public const int LostLeadership = 75;
}

namespace Bacalhau.Orchestrator.Api;

/// <summary>The <c>API</c> section's bounds on what one client may send to the REST API.</summary>
public sealed class ApiLimitsOptions
{
    public const string SectionName = "API";

    /// <summary>Largest request body in bytes; a job spec is far smaller, and a message to a node must fit NATS's 1 MB.</summary>
    public long MaxRequestBodySize { get; set; } = 1024 * 1024;

    public SubmissionRateLimitOptions RateLimit { get; set; } = new();
}

/// <summary>The <c>API:RateLimit</c> section: job submissions per client address.</summary>
public sealed class SubmissionRateLimitOptions
{
    /// <summary>Submissions one client address may make per second (and in one burst); 0 turns the limit off.</summary>
    public int SubmitsPerSecond { get; set; } = 100;

    /// <summary>Clients on this machine (local tools, the benchmark's load) are not limited.</summary>
    public bool ExemptLoopback { get; set; } = true;
}

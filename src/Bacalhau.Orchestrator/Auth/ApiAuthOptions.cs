namespace Bacalhau.Orchestrator.Auth;

/// <summary>The <c>API.Auth</c> section: who may call the REST API, named as Bacalhau 1.7 names its keys.</summary>
public sealed class ApiAuthOptions
{
    public const string SectionName = "API:Auth";

    /// <summary>Users, each with a password (a PBKDF2 hash) and/or an API key, and the actions they may take.</summary>
    public List<ApiUserOptions> Users { get; set; } = [];

    /// <summary>Requests from this host need no credentials (local development); off, every request needs them.</summary>
    public bool AllowAnonymousLoopback { get; set; } = true;

    /// <summary>Actions anyone may take without credentials, from any address; none unless the operator opens them.</summary>
    public List<string> AnonymousActions { get; set; } = [];

    /// <summary>Failed authentications one client address may make per minute before it is answered 429; 0: no limit.</summary>
    public int FailedAttemptsPerMinute { get; set; } = 10;
}

public sealed class ApiUserOptions
{
    /// <summary>A name for people and logs.</summary>
    public string? Alias { get; set; }

    public string? Username { get; set; }

    /// <summary>The password as <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt&gt;$&lt;hash&gt;</c>, never in clear.</summary>
    public string? Password { get; set; }

    /// <summary>A key sent as <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
    public string? APIKey { get; set; }

    public List<ApiCapabilityOptions> Capabilities { get; set; } = [];
}

public sealed class ApiCapabilityOptions
{
    public List<string> Actions { get; set; } = [];
}

namespace Bacalhau.Orchestrator.Auth;

/// <summary>Who presented valid credentials, and what they may do.</summary>
public sealed record ApiCaller(string Name, ApiPermissions Permissions);

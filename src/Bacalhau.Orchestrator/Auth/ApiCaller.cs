namespace Bacalhau.Orchestrator.Auth;

/// <summary>Who presented valid credentials, and what they may do.</summary>
internal sealed record ApiCaller(string Name, ApiPermissions Permissions);

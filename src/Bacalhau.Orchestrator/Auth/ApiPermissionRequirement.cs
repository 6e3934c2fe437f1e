namespace Bacalhau.Orchestrator.Auth;

/// <summary>Endpoint metadata: the permissions a caller needs to use the endpoint.</summary>
internal sealed record ApiPermissionRequirement(ApiPermissions Permission);

namespace Bacalhau.Orchestrator.Auth;

/// <summary>What a caller of the REST API may do; Bacalhau's actions (<c>read:job</c>, <c>write:node</c>, ...) map onto these.</summary>
[Flags]
public enum ApiPermissions
{
    None = 0,
    ReadJob = 1,
    WriteJob = 2,
    ReadNode = 4,
    WriteNode = 8,
    ReadAgent = 16,
    Read = ReadJob | ReadNode | ReadAgent,
    Write = WriteJob | WriteNode,
    All = Read | Write,
}

/// <summary>Bacalhau's capability actions: <c>&lt;read|write|*&gt;:&lt;job|node|agent|*&gt;</c>, or <c>*</c> for everything.</summary>
internal static class ApiActions
{
    public const string Expected = "*, read:*, write:*, read:job, write:job, read:node, write:node or read:agent";

    /// <summary>The permissions <paramref name="action"/> grants; null when it is not an action.</summary>
    public static ApiPermissions? Parse(string? action)
    {
        var text = action?.Trim().ToLowerInvariant();
        if (text == "*")
        {
            return ApiPermissions.All;
        }

        var colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (colon <= 0)
        {
            return null;
        }

        ApiPermissions? verb = text![..colon] switch
        {
            "read" => ApiPermissions.Read,
            "write" => ApiPermissions.Write,
            "*" => ApiPermissions.All,
            _ => null,
        };
        ApiPermissions? resource = text[(colon + 1)..] switch
        {
            "job" => ApiPermissions.ReadJob | ApiPermissions.WriteJob,
            "node" => ApiPermissions.ReadNode | ApiPermissions.WriteNode,
            "agent" => ApiPermissions.ReadAgent,
            "*" => ApiPermissions.All,
            _ => null,
        };
        return (verb & resource) is { } granted && granted != ApiPermissions.None ? granted : null;
    }

    /// <summary>The action that grants <paramref name="permission"/>, as error messages name it.</summary>
    public static string Name(ApiPermissions permission) => permission switch
    {
        ApiPermissions.ReadJob => "read:job",
        ApiPermissions.WriteJob => "write:job",
        ApiPermissions.ReadNode => "read:node",
        ApiPermissions.WriteNode => "write:node",
        ApiPermissions.ReadAgent => "read:agent",
        ApiPermissions.ReadJob | ApiPermissions.ReadNode => "read:job and read:node",
        _ => "*",
    };
}

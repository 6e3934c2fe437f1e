namespace Bacalhau.Contracts.Protocol;

/// <summary>Protocol names a node lists in <c>SupportedProtocols</c>.</summary>
public static class Protocols
{
    public const string NclV1 = "ncl/v1";
}

namespace Bacalhau.Orchestrator.Cluster;

/// <summary>
/// Endpoint metadata: only the leader answers this route (it writes, or reads state only the leader holds); a
/// follower passes the request on to the leader before anything of the endpoint runs.
/// </summary>
internal sealed class LeaderOnlyMetadata
{
    public static readonly LeaderOnlyMetadata Instance = new();

    private LeaderOnlyMetadata()
    {
    }
}

internal static class LeaderOnlyExtensions
{
    /// <summary>Marks the endpoints as the leader's: routes are classified where they are mapped.</summary>
    public static TBuilder LeaderOnly<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(LeaderOnlyMetadata.Instance);

    public static bool IsLeaderOnly(this Endpoint? endpoint) => endpoint?.Metadata.GetMetadata<LeaderOnlyMetadata>() is not null;
}

using Bacalhau.AppHost.Nats;

namespace Bacalhau.AppHost;

/// <summary>
/// Names and local paths of the orchestrators and their NATS servers. One orchestrator keeps the single-node layout
/// (<c>nats</c>, <c>orchestrator</c>, the data dir itself). Several are <c>nats</c>, <c>nats-1</c>, ... and
/// <c>orchestrator</c>, <c>orchestrator-1</c>, ...; their NATS keys and stores live under <c>nats-cluster/</c>, apart
/// from a lone server's, and every orchestrator after the first has a data dir of its own. Publish mode has no local paths.
/// </summary>
internal sealed record ClusterTopology(int Orchestrators, string? DataDir)
{
    private const string NatsClusterFolder = "nats-cluster";

    public bool IsReplicated => Orchestrators > 1;

    /// <summary>The keys every server of the cluster shares; null: each server's default, beside its store.</summary>
    public string? NatsKeys => IsReplicated && DataDir is not null ? Path.Combine(DataDir, NatsClusterFolder, "nats-auth") : null;

    public IEnumerable<Member> Members => Enumerable.Range(0, Orchestrators).Select(MemberAt);

    /// <summary>Every server's connection string, comma-separated, as a NATS client takes a list of servers.</summary>
    public static ReferenceExpression ConnectionStrings(IEnumerable<IResourceBuilder<INatsServerResource>> servers)
    {
        var expression = new ReferenceExpressionBuilder();
        foreach (var server in servers)
        {
            if (!expression.IsEmpty)
            {
                expression.AppendLiteral(",");
            }

            expression.Append($"{server.Resource.ConnectionStringExpression}");
        }

        return expression.Build();
    }

    private Member MemberAt(int index)
    {
        var nats = index == 0 ? "nats" : $"nats-{index}";
        string? store = DataDir is null ? null
            : IsReplicated ? Path.Combine(DataDir, NatsClusterFolder, nats, "store")
            : Path.Combine(DataDir, "nats");
        return new Member(
            nats,
            index == 0 ? "orchestrator" : $"orchestrator-{index}",
            store,
            DataDir is null || index == 0 ? DataDir : Path.Combine(DataDir, $"orchestrator-{index}"));
    }

    /// <summary>One orchestrator and its NATS server.</summary>
    public sealed record Member(string NatsName, string OrchestratorName, string? NatsStore, string? DataDir);
}

using Bacalhau.Orchestrator.Cluster;
using Microsoft.Extensions.Configuration;

namespace Bacalhau.Orchestrator.Tests.Cluster;

/// <summary>The size of an orchestrator's cluster follows from the peers it is given: itself and them.</summary>
public sealed class ClusterOptionsTests
{
    [Theory]
    [InlineData(0, 1, false)]
    [InlineData(2, 3, true)]
    public void The_cluster_counts_the_orchestrator_and_its_peers(int peers, int orchestrators, bool replicated)
    {
        var settings = Enumerable.Range(0, peers).ToDictionary(i => $"{ClusterOptions.SectionName}:Peers:{i}", i => (string?)$"nats://peer-{i}:6222");
        var options = new ConfigurationBuilder().AddInMemoryCollection(settings).Build()
            .GetSection(ClusterOptions.SectionName).Get<ClusterOptions>() ?? new ClusterOptions();

        Assert.Equal((orchestrators, replicated), (options.Orchestrators, options.IsReplicated));
    }
}

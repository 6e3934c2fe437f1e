using Bacalhau.Compute.Executions;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Compute.Tests.Executions;

public sealed class NetworkAdmissionTests
{
    [Theory]
    [InlineData("")]
    [InlineData("None")]
    [InlineData(" none ")]
    public void A_task_without_a_network_runs_anywhere(string type)
    {
        Assert.Null(NetworkAdmission.Problem(new NetworkConfig { Type = type }, acceptNetworkedJobs: false));
        Assert.False(NetworkAdmission.IsNetworked(new NetworkConfig { Type = type }));
    }

    [Theory]
    [InlineData("Host")]
    [InlineData("full")]
    public void A_networked_task_runs_only_where_the_operator_accepts_networked_jobs(string type)
    {
        var network = new NetworkConfig { Type = type };

        Assert.Equal(
            $"this node does not accept networked jobs ({type}); its operator allows them with JobAdmissionControl.AcceptNetworkedJobs",
            NetworkAdmission.Problem(network, acceptNetworkedJobs: false));
        Assert.Null(NetworkAdmission.Problem(network, acceptNetworkedJobs: true));
        Assert.True(NetworkAdmission.IsNetworked(network));
    }

    [Theory]
    [InlineData("HTTP", true)]
    [InlineData("http", false)]
    public void Http_networking_is_never_widened_to_the_host_network(string type, bool accept)
    {
        var problem = NetworkAdmission.Problem(new NetworkConfig { Type = type, Domains = ["example.com"] }, accept);

        Assert.Equal("HTTP networking (HTTP(S) to the listed domains only) cannot be enforced on this node, and it is not widened to the host's network", problem);
    }

    [Fact]
    public void Domains_and_unknown_types_are_refused_too()
    {
        Assert.Equal("only HTTP networking takes domains, and domain filtering is not enforced on this node", NetworkAdmission.Problem(new NetworkConfig { Type = "Full", Domains = ["example.com"] }, true));
        Assert.Equal("unknown network type 'Bridge'", NetworkAdmission.Problem(new NetworkConfig { Type = "Bridge" }, true));
        Assert.True(NetworkAdmission.IsNetworked(new NetworkConfig { Type = "Bridge" }));
    }
}

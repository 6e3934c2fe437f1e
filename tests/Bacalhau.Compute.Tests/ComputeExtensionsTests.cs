using Bacalhau.Compute.Nodes;
using Bacalhau.Identity.Nodes;
using Bacalhau.ServiceDefaults.Nats;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NATS.Client.Core;

namespace Bacalhau.Compute.Tests;

/// <summary><c>AddCompute</c> only registers: the node's identity is read from (and first written to) its data directory when the node is built.</summary>
public sealed class ComputeExtensionsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bacalhau-compute-wiring-").FullName;

    [Fact]
    public void Registering_touches_no_disk_and_the_identity_is_resolved_once_when_asked_for()
    {
        var dataDir = Path.Combine(_root, "node");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataDir"] = dataDir,
            ["Compute:Auth:Token"] = "cluster-token",
            ["Labels:zone"] = "eu",
        });

        builder.AddCompute();

        Assert.False(Directory.Exists(dataDir));
        using var services = builder.Services.BuildServiceProvider();
        var identity = services.GetRequiredService<ComputeIdentity>();
        Assert.Same(identity, services.GetRequiredService<ComputeIdentity>());
        Assert.Equal(Path.Combine(dataDir, "compute"), identity.DataDir);
        Assert.Equal(identity.Key.PeerId.Text, identity.NodeId);
        Assert.Equal(identity.NodeId, SystemMetadata.Load(identity.DataDir).NodeId);
        Assert.True(File.Exists(Path.Combine(dataDir, "private_key.1235")));
        Assert.Equal("eu", identity.Labels["zone"]);
    }

    [Theory]
    [InlineData("tok@10.0.0.1:4222,10.0.0.2:4222, nats://10.0.0.3:4222")]
    [InlineData("/ip4/10.0.0.1/tcp/4222,/ip4/10.0.0.2/tcp/4222,/ip4/10.0.0.3/tcp/4222")]
    public async Task Several_orchestrators_in_one_setting_all_reach_the_connection_so_it_can_fail_over(string orchestrators)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataDir"] = Path.Combine(_root, "node"),
            ["Compute:Auth:Token"] = "cluster-token",
            ["Compute:Orchestrators"] = orchestrators,
        });

        builder.AddCompute();

        await using var services = builder.Services.BuildServiceProvider();
        var opts = services.GetRequiredService<NatsConnection>().Opts;
        Assert.Equal("nats://10.0.0.1:4222,nats://10.0.0.2:4222,nats://10.0.0.3:4222", NatsServerAddresses.Parse([opts.Url]).Url);
        // Nothing pins the node to the first: it tries the others in any order and learns more from the servers.
        Assert.False(opts.NoRandomize);
        Assert.Equal(-1, opts.MaxReconnectRetry);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

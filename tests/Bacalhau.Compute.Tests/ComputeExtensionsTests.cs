using Bacalhau.Compute.Nodes;
using Bacalhau.Identity.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

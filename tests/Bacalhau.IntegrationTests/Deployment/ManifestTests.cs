using System.Text.Json;
using Bacalhau.AppHost.Deployment;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.IntegrationTests.Deployment;

/// <summary>The deployment model `azd up` consumes, produced the way the README tells users to.</summary>
public sealed class ManifestTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bacalhau-manifest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Manifest_holds_nats_and_the_services_as_containers_with_their_state_on_volumes_and_the_token_as_a_secret()
    {
        using var manifest = await PublishAsync();
        var resources = manifest.RootElement.GetProperty("resources");

        var nats = resources.GetProperty("nats");
        Assert.StartsWith("container.", nats.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("docker.io/library/nats:", nats.GetProperty("image").GetString(), StringComparison.Ordinal);
        Assert.Contains("nats://", nats.GetProperty("connectionString").GetString(), StringComparison.Ordinal);
        Assert.Contains("-js", Args(nats));
        // The JetStream store (content bucket) on a persistent volume of its own; one server, no cluster.
        Assert.Equal("/data", Args(nats).SkipWhile(a => a != "-sd").ElementAt(1));
        var volume = Assert.Single(nats.GetProperty("volumes").EnumerateArray());
        Assert.Equal(("nats-data", "/data"), (volume.GetProperty("name").GetString(), volume.GetProperty("target").GetString()));
        Assert.DoesNotContain("--routes", Args(nats));
        Assert.False(resources.TryGetProperty("nats-1", out _));
        Assert.False(resources.TryGetProperty("orchestrator-1", out _));

        foreach (var (service, project) in new[] { ("orchestrator", "Bacalhau.Orchestrator.Service"), ("compute", "Bacalhau.Compute.Service") })
        {
            var resource = resources.GetProperty(service);
            AssertServiceContainer(resource, service, project);
            Assert.Equal("{nats.connectionString}", resource.GetProperty("env").GetProperty("ConnectionStrings__nats").GetString());
        }

        Assert.Equal(1, Replicas(resources.GetProperty("orchestrator")));
        // The AppHost's default (appsettings.json); the replicas share the volume, each in a slot of its own.
        Assert.Equal(3, Replicas(resources.GetProperty("compute")));
        Assert.Equal("true", resources.GetProperty("compute").GetProperty("env").GetProperty("Compute__ClaimReplicaSlot").GetString());

        var token = resources.GetProperty("nats-token");
        Assert.Equal("parameter.v0", token.GetProperty("type").GetString());
        Assert.True(token.GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());

        // Local data directories belong to the local cluster only; a deployment's nodes use their own.
        var text = manifest.RootElement.GetRawText();
        Assert.DoesNotContain("BACALHAU_DIR", text, StringComparison.Ordinal);
        Assert.DoesNotContain(".data", text, StringComparison.Ordinal);
        // Nor do the local builds the services run from: a deployment builds its images from the Dockerfile.
        Assert.DoesNotContain("bin/", text, StringComparison.Ordinal);
        Assert.True(resources.GetProperty("orchestrator").GetProperty("bindings").GetProperty("http").GetProperty("external").GetBoolean());
        Assert.DoesNotContain("Orchestrator__Cluster__", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_three_orchestrators_three_nats_containers_route_to_each_other_and_each_orchestrator_has_its_server_port_peers_and_volume()
    {
        using var manifest = await PublishAsync("--Cluster:Orchestrators", "3", "--Cluster:ComputeReplicas", "5");
        var resources = manifest.RootElement.GetProperty("resources");
        string[] servers = ["nats", "nats-1", "nats-2"];
        string[] orchestrators = ["orchestrator", "orchestrator-1", "orchestrator-2"];
        var routes = string.Join(',', servers.Select(RouteOf));

        foreach (var name in servers)
        {
            var nats = resources.GetProperty(name);
            Assert.StartsWith("container.", nats.GetProperty("type").GetString(), StringComparison.Ordinal);
            var args = Args(nats);
            Assert.Equal(name, ValueOf(args, "--name"));
            Assert.Equal("bacalhau", ValueOf(args, "--cluster_name"));
            Assert.Equal("nats://0.0.0.0:6222", ValueOf(args, "--cluster"));
            Assert.Equal(routes, ValueOf(args, "--routes"));
            Assert.Equal(6222, nats.GetProperty("bindings").GetProperty("cluster").GetProperty("targetPort").GetInt32());
            Assert.Equal($"{name}-data", Assert.Single(nats.GetProperty("volumes").EnumerateArray()).GetProperty("name").GetString());
        }

        for (var i = 0; i < orchestrators.Length; i++)
        {
            var orchestrator = resources.GetProperty(orchestrators[i]);
            AssertServiceContainer(orchestrator, orchestrators[i], "Bacalhau.Orchestrator.Service");
            Assert.Equal(1, Replicas(orchestrator));
            Assert.Equal(1234 + i, orchestrator.GetProperty("bindings").GetProperty("http").GetProperty("port").GetInt32());
            var env = orchestrator.GetProperty("env");
            Assert.Equal($"{{{servers[i]}.connectionString}}", env.GetProperty("ConnectionStrings__nats").GetString());
            Assert.Equal("bacalhau", env.GetProperty("Orchestrator__Cluster__Name").GetString());
            var peers = env.EnumerateObject().Where(e => e.Name.StartsWith("Orchestrator__Cluster__Peers__", StringComparison.Ordinal)).Select(e => e.Value.GetString()).ToList();
            Assert.Equal(servers.Where((_, other) => other != i).Select(RouteOf), peers);
        }

        var compute = resources.GetProperty("compute");
        Assert.Equal(string.Join(',', servers.Select(s => $"nats://{{{s}.bindings.tcp.host}}:{{{s}.bindings.tcp.port}}")), compute.GetProperty("env").GetProperty("Compute__Orchestrators").GetString());
        AssertServiceContainer(compute, "compute", "Bacalhau.Compute.Service");
        Assert.Equal(5, Replicas(compute));
    }

    /// <summary>
    /// A service as the deployment builds and runs it: the repository's Dockerfile for its project, and its data
    /// directory (the <c>DataDir</c> it is given) on a persistent volume of its own.
    /// </summary>
    private void AssertServiceContainer(JsonElement resource, string name, string project)
    {
        Assert.Equal("container.v1", resource.GetProperty("type").GetString());
        var build = resource.GetProperty("build");
        Assert.Equal(RepositoryPaths.Root, Path.GetFullPath(Path.Combine(_dir, build.GetProperty("context").GetString()!)));
        Assert.True(File.Exists(Path.Combine(_dir, build.GetProperty("dockerfile").GetString()!)));
        Assert.Equal(project, build.GetProperty("args").GetProperty("SERVICE").GetString());
        Assert.Equal(ServiceContainerExtensions.DataPath, build.GetProperty("args").GetProperty("DATA_DIR").GetString());

        var volume = Assert.Single(resource.GetProperty("volumes").EnumerateArray());
        Assert.Equal(($"{name}-data", ServiceContainerExtensions.DataPath, false), (volume.GetProperty("name").GetString(), volume.GetProperty("target").GetString(), volume.GetProperty("readOnly").GetBoolean()));
        Assert.Equal(ServiceContainerExtensions.DataPath, resource.GetProperty("env").GetProperty("DataDir").GetString());
    }

    private static int Replicas(JsonElement resource) => resource.GetProperty("replicas").GetInt32();

    private static string RouteOf(string server) => $"nats://{{{server}.bindings.cluster.host}}:{{{server}.bindings.cluster.port}}";

    private static List<string?> Args(JsonElement resource) => [.. resource.GetProperty("args").EnumerateArray().Select(a => a.GetString())];

    private static string? ValueOf(List<string?> args, string flag) => args[args.IndexOf(flag) + 1];

    /// <summary>The manifest as the README tells users to produce it, with <paramref name="settings"/> of the AppHost after it.</summary>
    private async Task<JsonDocument> PublishAsync(params string[] settings)
    {
        var manifestPath = Path.Combine(_dir, "aspire-manifest.json");
        await using var publisher = ChildProcess.Start(
            "dotnet",
            ["run", "--no-build", "-c", RepositoryPaths.Configuration, "--project", RepositoryPaths.AppHostProject, "--", "--publisher", "manifest", "--output-path", manifestPath, .. settings]);
        var exitCode = await publisher.WaitForExitAsync(TimeSpan.FromMinutes(2));
        Assert.True(exitCode == 0, publisher.Output);
        return JsonDocument.Parse(await File.ReadAllTextAsync(manifestPath));
    }
}

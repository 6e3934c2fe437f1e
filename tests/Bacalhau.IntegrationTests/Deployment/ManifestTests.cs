using System.Text.Json;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.IntegrationTests.Deployment;

/// <summary>The deployment model `azd up` consumes, produced the way the README tells users to.</summary>
public sealed class ManifestTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bacalhau-manifest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Manifest_holds_nats_as_a_container_the_services_as_projects_and_the_token_as_a_secret()
    {
        var manifestPath = Path.Combine(_dir, "aspire-manifest.json");
        await using var publisher = ChildProcess.Start(
            "dotnet",
            ["run", "--no-build", "-c", RepositoryPaths.Configuration, "--project", RepositoryPaths.AppHostProject, "--", "--publisher", "manifest", "--output-path", manifestPath]);
        var exitCode = await publisher.WaitForExitAsync(TimeSpan.FromMinutes(2));
        Assert.True(exitCode == 0, publisher.Output);

        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(manifestPath));
        var resources = manifest.RootElement.GetProperty("resources");

        var nats = resources.GetProperty("nats");
        Assert.StartsWith("container.", nats.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("docker.io/library/nats:", nats.GetProperty("image").GetString(), StringComparison.Ordinal);
        Assert.Contains("nats://", nats.GetProperty("connectionString").GetString(), StringComparison.Ordinal);
        Assert.Contains("-js", nats.GetProperty("args").EnumerateArray().Select(a => a.GetString()));

        foreach (var project in new[] { "orchestrator", "compute" })
        {
            var resource = resources.GetProperty(project);
            Assert.StartsWith("project.", resource.GetProperty("type").GetString(), StringComparison.Ordinal);
            Assert.Equal("{nats.connectionString}", resource.GetProperty("env").GetProperty("ConnectionStrings__nats").GetString());
        }

        var token = resources.GetProperty("nats-token");
        Assert.Equal("parameter.v0", token.GetProperty("type").GetString());
        Assert.True(token.GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());

        // Local data directories belong to the local cluster only; a deployment's nodes use their own.
        var text = manifest.RootElement.GetRawText();
        Assert.DoesNotContain("BACALHAU_DIR", text, StringComparison.Ordinal);
        Assert.DoesNotContain(".data", text, StringComparison.Ordinal);
        Assert.True(resources.GetProperty("orchestrator").GetProperty("bindings").GetProperty("http").GetProperty("external").GetBoolean());
    }
}

using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Bacalhau.AppHost.Launch;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.IntegrationTests.Launch;

/// <summary>How the local model launches the services, read as the AppHost declares it: nothing is started.</summary>
public sealed class BuildOutputLaunchTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("bacalhau-launch-model-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task Each_service_stays_a_project_whose_built_executable_runs_in_the_project_directory()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Bacalhau_AppHost>(
            [$"--Cluster:DataDir={_dataDir}"],
            (options, _) => options.DisableDashboard = true);

        foreach (var (name, assembly) in new[] { ("orchestrator", RepositoryPaths.OrchestratorAssembly), ("compute", RepositoryPaths.ComputeAssembly) })
        {
            var service = Assert.Single(builder.Resources.OfType<ProjectResource>(), p => p.Name == name);
            var launch = Assert.Single(service.Annotations.OfType<ExecutableAnnotation>());
            // The launcher the SDK builds beside the assembly, in the test's (and so the AppHost's) configuration.
            Assert.Equal(Path.ChangeExtension(assembly, null), launch.Command);
            Assert.True(File.Exists(launch.Command), launch.Command);
            Assert.Equal(Path.GetDirectoryName(service.GetProjectMetadata().ProjectPath), launch.WorkingDirectory);
        }

        Assert.Equal(3, builder.Resources.OfType<ProjectResource>().Single(p => p.Name == "compute").GetReplicaCount());
    }

    [Fact]
    public void A_project_the_AppHost_was_not_built_with_is_named_in_a_one_line_error()
    {
        var stranger = new UnbuiltProject(Path.Combine(_dataDir, "Bacalhau.Stranger.Service", "Bacalhau.Stranger.Service.csproj"));

        var problem = ServiceBuildOutput.Missing(new Projects.Bacalhau_Orchestrator_Service(), stranger);

        Assert.NotNull(problem);
        Assert.StartsWith("Bacalhau.Stranger.Service", problem, StringComparison.Ordinal);
        Assert.Contains("dotnet build src/Bacalhau.AppHost", problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem);
        Assert.Equal(problem, Assert.Throws<InvalidOperationException>(() => ServiceBuildOutput.ExecutableOf(stranger)).Message);
        Assert.Null(ServiceBuildOutput.Missing(new Projects.Bacalhau_Orchestrator_Service(), new Projects.Bacalhau_Compute_Service()));
    }

    private sealed class UnbuiltProject(string projectPath) : IProjectMetadata
    {
        public string ProjectPath { get; } = projectPath;
    }
}

using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.IntegrationTests.Launch;

/// <summary>The services of a running cluster as processes: what DCP started for each resource and replica.</summary>
[Collection(SharedCluster.Name)]
public sealed class ServiceProcessTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Every_service_replica_is_its_built_executable_started_directly_in_its_project_directory()
    {
        await cluster.WaitForReplicasAsync();
        var orchestrator = Path.ChangeExtension(RepositoryPaths.OrchestratorAssembly, null);
        var compute = Path.ChangeExtension(RepositoryPaths.ComputeAssembly, null);
        var projectDirectories = new Dictionary<string, string>
        {
            [orchestrator] = Path.Combine(RepositoryPaths.Root, "src", "Bacalhau.Orchestrator.Service"),
            [compute] = Path.Combine(RepositoryPaths.Root, "src", "Bacalhau.Compute.Service"),
        };

        // Every node of this cluster (its data dir in the environment), each described by its own /proc entry.
        var processes = ClusterFixture.ProcessesUsing(cluster.DataDir)
            .Select(pid => (
                Executable: new FileInfo($"/proc/{pid}/exe").LinkTarget,
                WorkingDirectory: new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget,
                Parent: Parent(pid)))
            .ToList();

        Assert.Single(processes, p => p.Executable == orchestrator);
        Assert.Equal(ClusterFixture.ComputeReplicas, processes.Count(p => p.Executable == compute));
        Assert.All(processes, p =>
        {
            Assert.Equal(projectDirectories[p.Executable!], p.WorkingDirectory);
            // Started by DCP itself: no `dotnet run` between them.
            Assert.Equal("dcp", p.Parent);
        });
    }

    /// <summary>The program name of <paramref name="pid"/>'s parent.</summary>
    private static string Parent(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var parent = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1];
        return File.ReadAllText($"/proc/{parent}/comm").Trim();
    }
}

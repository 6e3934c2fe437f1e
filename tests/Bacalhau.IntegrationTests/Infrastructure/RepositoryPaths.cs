using System.Runtime.InteropServices;

namespace Bacalhau.IntegrationTests.Infrastructure;

/// <summary>Paths of the built projects, found from the test assembly's location.</summary>
internal static class RepositoryPaths
{
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    public static string Root { get; } = FindRoot();

    public static string AppHostProject => Path.Combine(Root, "src", "Bacalhau.AppHost", "Bacalhau.AppHost.csproj");

    public static string ConformanceJob(string fileName) => Path.Combine(Root, "tests", "conformance", "bacalhau-jobs", fileName);

    public static string CliAssembly => Path.Combine(Root, "src", "Bacalhau.Cli", "bin", Configuration, "net10.0", "bacalhau.dll");

    /// <summary>The CLI as users get it: <c>dotnet publish src/Bacalhau.Cli -c Release</c>, a native executable.</summary>
    public static string PublishedCli => Path.Combine(Root, "src", "Bacalhau.Cli", "bin", "Release", "net10.0", RuntimeInformation.RuntimeIdentifier, "publish", "bacalhau");

    public static string OrchestratorAssembly => Path.Combine(Root, "src", "Bacalhau.Orchestrator.Service", "bin", Configuration, "net10.0", "Bacalhau.Orchestrator.Service.dll");

    public static string ComputeAssembly => Path.Combine(Root, "src", "Bacalhau.Compute.Service", "bin", Configuration, "net10.0", "Bacalhau.Compute.Service.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Bacalhau.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Bacalhau.sln not found above {AppContext.BaseDirectory}");
    }
}

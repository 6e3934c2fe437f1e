using System.Reflection;
using System.Runtime.InteropServices;

namespace Bacalhau.AppHost.Launch;

/// <summary>
/// Where each service's build put its executable, as the AppHost's build recorded it (its csproj's
/// <c>RecordServiceBuildOutputs</c>: the output each service project reports, in the configuration the AppHost was
/// built in).
/// </summary>
internal static class ServiceBuildOutput
{
    private const string KeyPrefix = "ServiceBuildOutput:";

    /// <summary>Why the first of <paramref name="projects"/> without a built executable cannot be started; null when all can.</summary>
    public static string? Missing(params IProjectMetadata[] projects) =>
        projects.Select(project => Locate(project).Problem).FirstOrDefault(problem => problem is not null);

    /// <summary>
    /// The native launcher the SDK builds beside <paramref name="project"/>'s assembly: what <c>dotnet run</c> of the
    /// project would start.
    /// </summary>
    public static string ExecutableOf(IProjectMetadata project)
    {
        var (executable, problem) = Locate(project);
        return executable ?? throw new InvalidOperationException(problem);
    }

    private static (string? Executable, string? Problem) Locate(IProjectMetadata project)
    {
        var projectPath = Path.GetFullPath(project.ProjectPath);
        var name = Path.GetFileNameWithoutExtension(projectPath);
        var assembly = typeof(ServiceBuildOutput).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key.StartsWith(KeyPrefix, StringComparison.Ordinal) && Path.GetFullPath(a.Key[KeyPrefix.Length..]) == projectPath)?.Value;
        if (assembly is null)
        {
            return (null, $"{name}: the AppHost was built without it; build it again (dotnet build src/Bacalhau.AppHost)");
        }

        var executable = Path.ChangeExtension(assembly, RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? ".exe" : null);
        return File.Exists(executable)
            ? (executable, null)
            : (null, $"{name} is not built ({executable} is missing): ./scripts/cluster.sh or dotnet build src/Bacalhau.AppHost builds it");
    }
}

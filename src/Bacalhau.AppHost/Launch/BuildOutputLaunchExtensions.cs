using System.Globalization;
using System.Runtime.InteropServices;

namespace Bacalhau.AppHost.Launch;

/// <summary>
/// How a service runs locally: DCP starts its built executable itself instead of <c>dotnet run</c>, whose MSBuild
/// evaluation per replica cost more CPU than the services' own start (a cold start shares two cores). The resource
/// stays the project (its name, endpoints, environment, OTEL settings, replicas and manifest are Aspire's for a
/// project); only the command DCP launches changes, in the project's directory as <c>dotnet run</c> had it.
/// </summary>
internal static class BuildOutputLaunchExtensions
{
    /// <summary>
    /// In run mode, launches <paramref name="builder"/>'s project from its build output; publish mode is left as it is.
    /// </summary>
    public static IResourceBuilder<ProjectResource> RunFromBuildOutput(this IResourceBuilder<ProjectResource> builder)
    {
        if (builder.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return builder;
        }

        var project = builder.Resource.GetProjectMetadata();
        builder.WithAnnotation(
            new ExecutableAnnotation { Command = ServiceBuildOutput.ExecutableOf(project), WorkingDirectory = Path.GetDirectoryName(project.ProjectPath)! },
            ResourceAnnotationMutationBehavior.Replace);

        // As `dotnet run` does for an app's launcher: the runtime it needs is where the AppHost's own runs from, unless
        // the environment already says where.
        var dotnetRoot = $"DOTNET_ROOT_{RuntimeInformation.ProcessArchitecture.ToString().ToUpper(CultureInfo.InvariantCulture)}";
        if (Environment.GetEnvironmentVariable(dotnetRoot) is null)
        {
            builder.WithEnvironment(dotnetRoot, Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")));
        }

        return builder;
    }
}

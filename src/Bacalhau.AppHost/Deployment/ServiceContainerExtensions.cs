namespace Bacalhau.AppHost.Deployment;

/// <summary>
/// How a service is deployed: a project resource cannot carry volumes into the manifest (and azd mounts none on
/// projects), so in publish mode each service becomes a container built by the repository's Dockerfile, with its
/// data directory on a named volume of its own. Run mode is left as it is.
/// </summary>
public static class ServiceContainerExtensions
{
    /// <summary>Where the data volume is mounted in the container; the service's <c>DataDir</c>.</summary>
    public const string DataPath = "/var/lib/bacalhau";

    /// <summary>
    /// In publish mode: <paramref name="builder"/>'s project as a container built from the repository root at
    /// <paramref name="repositoryRoot"/>, its state on the volume <c>{name}-data</c> at <see cref="DataPath"/>, and its
    /// replica count in the manifest as <c>replicas</c>, which Aspire's manifest has no field for.
    /// </summary>
    public static IResourceBuilder<ProjectResource> PublishAsServiceContainer(this IResourceBuilder<ProjectResource> builder, string repositoryRoot)
    {
        if (!builder.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return builder;
        }

        ContainerResource? published = null;
        builder.PublishAsDockerFile(container =>
        {
            published = container.Resource;
            container
                .WithDockerfile(repositoryRoot)
                .WithBuildArg("SERVICE", Path.GetFileNameWithoutExtension(builder.Resource.GetProjectMetadata().ProjectPath))
                .WithBuildArg("DATA_DIR", DataPath)
                .WithVolume($"{builder.Resource.Name}-data", DataPath, env: "DataDir");
        });

        var image = published ?? throw new InvalidOperationException($"{builder.Resource.Name} was not published as a container");

        // Replaces the callback PublishAsDockerFile sets: the container as Aspire writes it, then the count.
        return builder.WithManifestPublishingCallback(async context =>
        {
            await context.WriteContainerAsync(image);
            context.Writer.WriteNumber("replicas", image.GetReplicaCount());
        });
    }
}

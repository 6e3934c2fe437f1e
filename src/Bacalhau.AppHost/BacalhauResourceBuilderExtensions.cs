using Microsoft.Extensions.Configuration;

namespace Bacalhau.AppHost;

public static class BacalhauResourceBuilderExtensions
{
    /// <summary>
    /// Gives a node its data directory (run mode only: a local path must not reach a deployment manifest) and
    /// forwards the AppHost's configuration section of the same name (<c>Orchestrator</c>, <c>Compute</c>), so any
    /// Bacalhau key can be set for the whole cluster from the AppHost's settings or command line.
    /// </summary>
    public static IResourceBuilder<T> WithBacalhauConfiguration<T>(
        this IResourceBuilder<T> builder,
        IConfiguration configuration,
        string sectionName,
        string? dataDir)
        where T : IResourceWithEnvironment
    {
        if (dataDir is not null)
        {
            builder.WithEnvironment("BACALHAU_DIR", dataDir);
        }

        foreach (var (key, value) in configuration.GetSection(sectionName).AsEnumerable())
        {
            if (value is not null)
            {
                builder.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }

        return builder;
    }
}

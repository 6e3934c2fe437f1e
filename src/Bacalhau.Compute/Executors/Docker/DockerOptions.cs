namespace Bacalhau.Compute.Executors.Docker;

/// <summary>The <c>Compute:Docker</c> configuration section.</summary>
public sealed class DockerOptions
{
    public const string SectionName = "Compute:Docker";
    public const string DefaultHost = "unix:///var/run/docker.sock";

    /// <summary>Address of the Docker daemon; when unset, <c>DOCKER_HOST</c>, then <see cref="DefaultHost"/>.</summary>
    public string? Host { get; set; }

    /// <summary>At most this many bytes of stdout, and as many of stderr, are kept; the rest is dropped and flagged.</summary>
    public int MaxOutputBytes { get; set; } = 1024 * 1024;

    public Uri ResolveHost() =>
        new(Host is { Length: > 0 } host ? host
            : Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } fromEnvironment ? fromEnvironment
            : DefaultHost);
}

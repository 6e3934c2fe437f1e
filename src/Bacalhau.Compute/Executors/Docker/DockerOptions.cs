using Bacalhau.JobSpecs;

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

    /// <summary>Memory limit of a container whose job asks for none, as jobs write sizes (Bacalhau's default task memory).</summary>
    public string DefaultMemory { get; set; } = "1Gb";

    /// <summary>CPU limit of a container whose job asks for none, in cores (Bacalhau's default task CPU).</summary>
    public string DefaultCPU { get; set; } = "500m";

    /// <summary>Most processes one container may have at once: a fork bomb stops there instead of filling the node.</summary>
    public long PidsLimit { get; set; } = 1024;

    /// <summary><see cref="DefaultMemory"/> in bytes; the value was validated at start.</summary>
    public long DefaultMemoryBytes => ResourceParser.TryParseBytes(DefaultMemory, out var bytes) ? bytes : 0;

    /// <summary><see cref="DefaultCPU"/> in cores; the value was validated at start.</summary>
    public double DefaultCpuCores => ResourceParser.TryParseCpu(DefaultCPU, out var cores) ? cores : 0;

    public Uri ResolveHost() =>
        new(Host is { Length: > 0 } host ? host
            : Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } fromEnvironment ? fromEnvironment
            : DefaultHost);
}

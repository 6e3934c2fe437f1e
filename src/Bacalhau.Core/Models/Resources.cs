namespace Bacalhau.Core.Models;

/// <summary>An amount of compute resources: CPU in cores, Memory and Disk in bytes, GPU in units.</summary>
public sealed record Resources
{
    public double CPU { get; init; }
    public long Memory { get; init; }
    public long Disk { get; init; }
    public int GPU { get; init; }

    public static Resources Zero { get; } = new();
}

namespace Bacalhau.Core.Models;

/// <summary>An amount of compute resources: CPU in cores, Memory and Disk in bytes, GPU in units.</summary>
public sealed record Resources
{
    public double CPU { get; set; }
    public long Memory { get; set; }
    public long Disk { get; set; }
    public int GPU { get; set; }

    public static Resources Zero { get; } = new();
}

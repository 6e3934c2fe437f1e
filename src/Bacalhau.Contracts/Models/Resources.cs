using System.Text.Json.Serialization;

namespace Bacalhau.Contracts.Models;

/// <summary>
/// An amount of compute resources: CPU in cores, Memory and Disk in bytes, GPU in units. Zero amounts are left out
/// of the JSON, as Bacalhau leaves them out (<c>omitempty</c>): an empty queue is <c>{}</c>.
/// </summary>
public sealed record Resources
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double CPU { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Memory { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Disk { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int GPU { get; set; }

    public static Resources Zero { get; } = new();
}

using System.Globalization;
using Bacalhau.Contracts.Models;
using Bacalhau.JobSpecs;

namespace Bacalhau.Compute.Nodes;

/// <summary>
/// Bacalhau's <c>Compute.AllocatedCapacity</c>: how much of the machine this node gives to jobs, per resource an
/// amount (<c>2</c>, <c>500m</c>, <c>4Gi</c>) or a share of what the machine has (<c>85%</c>). Unset, a node offers
/// 80% of the CPU, memory and disk, as Bacalhau does, and every GPU.
/// </summary>
public sealed class AllocatedCapacity
{
    private const string DefaultShare = "80%";

    public string? CPU { get; set; }

    public string? Memory { get; set; }

    public string? Disk { get; set; }

    public string? GPU { get; set; }

    /// <summary>Why <paramref name="text"/> is not a capacity of <paramref name="resource"/> (CPU, Memory, Disk, GPU); null when it is.</summary>
    public static string? Problem(string resource, string? text) => TryScale(resource, text, 1, out _) ? null : resource switch
    {
        "CPU" => $"'{text}' is not a number of cores (2, 1.5, 500m) or a share of the machine's (85%, at most 100%)",
        "GPU" => $"'{text}' is not a whole number of GPUs or a share of the machine's (50%, at most 100%)",
        _ => $"'{text}' is not a size (4Gi, 500Mb, 1073741824) or a share of the machine's (85%, at most 100%)",
    };

    /// <summary>The resources set to a value that is no capacity, and why.</summary>
    public IEnumerable<(string Resource, string Problem)> Problems() =>
        new[] { ("CPU", CPU), ("Memory", Memory), ("Disk", Disk), ("GPU", GPU) }
            .Where(r => r.Item2 is not null && Problem(r.Item1, r.Item2) is not null)
            .Select(r => (r.Item1, Problem(r.Item1, r.Item2)!));

    /// <summary>What this node offers of <paramref name="machine"/>: never more than the machine has.</summary>
    public Resources Of(Resources machine)
    {
        TryScale("CPU", CPU ?? DefaultShare, machine.CPU, out var cpu);
        TryScale("Memory", Memory ?? DefaultShare, machine.Memory, out var memory);
        TryScale("Disk", Disk ?? DefaultShare, machine.Disk, out var disk);
        TryScale("GPU", GPU ?? "100%", machine.GPU, out var gpu);
        return new Resources
        {
            CPU = Math.Round(Math.Min(cpu, machine.CPU), 2),
            Memory = (long)Math.Min(memory, machine.Memory),
            Disk = (long)Math.Min(disk, machine.Disk),
            GPU = (int)Math.Min(gpu, machine.GPU),
        };
    }

    private static bool TryScale(string resource, string? text, double total, out double amount)
    {
        amount = 0;
        var value = (text ?? "").Trim();
        if (value.EndsWith('%'))
        {
            if (!double.TryParse(value[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent) || percent is <= 0 or > 100)
            {
                return false;
            }

            // A share of GPUs rounds up to whole devices, as Bacalhau rounds it.
            amount = resource == "GPU" ? Math.Ceiling(total * percent / 100) : total * percent / 100;
            return true;
        }

        bool parsed;
        (parsed, amount) = resource switch
        {
            "CPU" => (ResourceParser.TryParseCpu(value, out var cores) && cores > 0, cores),
            "GPU" => (ResourceParser.TryParseGpu(value, out var count) && value.Length > 0, count),
            _ => (ResourceParser.TryParseBytes(value, out var bytes) && bytes > 0, bytes),
        };
        return parsed;
    }
}

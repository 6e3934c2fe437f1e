using System.Globalization;

namespace Bacalhau.Compute.Nodes.Gpus;

/// <summary>
/// What <c>nvidia-smi --query-gpu=index,gpu_name,memory.total --format=csv,noheader,nounits</c> prints, the query
/// Bacalhau makes: one line per GPU, <c>0, Tesla T4, 15360</c>.
/// </summary>
public static class NvidiaSmiOutput
{
    public const string Command = "nvidia-smi";

    public static readonly IReadOnlyList<string> Arguments = ["--query-gpu=index,gpu_name,memory.total", "--format=csv,noheader,nounits"];

    /// <summary>More GPUs than any machine has: a tool printing more is not believed.</summary>
    public const int MostDevices = 64;

    /// <exception cref="FormatException">A line is not <c>index, name, memory</c>.</exception>
    public static IReadOnlyList<GpuDevice> Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var devices = new List<GpuDevice>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // The model name may itself hold commas: the index is the first field, the memory the last.
            var first = line.IndexOf(',', StringComparison.Ordinal);
            var last = line.LastIndexOf(',');
            if (first < 0 || last == first
                || !int.TryParse(line[..first].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                || !long.TryParse(line[(last + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var memory)
                || line[(first + 1)..last].Trim() is not { Length: > 0 } name)
            {
                throw new FormatException($"unexpected {Command} line '{line}': expected <index>, <name>, <memory MiB>");
            }

            if (devices.Count == MostDevices)
            {
                throw new FormatException($"{Command} reports more than {MostDevices} GPUs");
            }

            devices.Add(new GpuDevice(index, name, memory));
        }

        return devices;
    }

    /// <summary>Bacalhau's labels of the GPUs: <c>GPU-0: Tesla-T4</c>, <c>GPU-0-Memory: 15360-MiB</c>.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Labels(IReadOnlyList<GpuDevice> devices) =>
        devices.Select((device, i) => (device, i)).SelectMany(d => (KeyValuePair<string, string>[])
        [
            KeyValuePair.Create($"GPU-{d.i}", d.device.Name.Replace(' ', '-')),
            KeyValuePair.Create($"GPU-{d.i}-Memory", string.Create(CultureInfo.InvariantCulture, $"{d.device.MemoryMiB}-MiB")),
        ]);
}

using System.Text;
using System.Text.Json;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.JobSpecs;

/// <summary>
/// What a new spec changes in a job, as Bacalhau compares them: the spec only (not the ID, state, version,
/// revision or times), Meta keys Bacalhau reserves (<c>bacalhau.org/...</c>) left out, resources in any case.
/// The answer is a line diff of the two specs written out as JSON: <c>-</c> before a line of the job, <c>+</c>
/// before one of the new spec, two lines of context around each change; empty when they are the same.
/// </summary>
public static class JobDiff
{
    private const string ReservedMetaPrefix = "bacalhau.org";
    private const int Context = 2;

    /// <summary>Beyond this many line pairs a changed middle is shown as all removed, then all added, not aligned line by line.</summary>
    private const long MaxAlignedCells = 4_000_000;

    public static string Between(Job current, Job proposed)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(proposed);
        var before = Lines(current);
        var after = Lines(proposed);
        var start = 0;
        while (start < before.Length && start < after.Length && before[start] == after[start])
        {
            start++;
        }

        if (start == before.Length && start == after.Length)
        {
            return "";
        }

        var end = 0;
        while (end < before.Length - start && end < after.Length - start && before[^(end + 1)] == after[^(end + 1)])
        {
            end++;
        }

        var edits = new List<(char Mark, string Line)>();
        edits.AddRange(before[..start].Select(l => (' ', l)));
        edits.AddRange(Align(before[start..^end], after[start..^end]));
        edits.AddRange(before[^end..].Select(l => (' ', l)));
        return Render(edits);
    }

    /// <summary>The spec as compared: everything but what the orchestrator keeps about the job itself.</summary>
    private static string[] Lines(Job job)
    {
        var spec = job with
        {
            ID = "",
            State = new State<JobStateType>(JobStateType.Undefined),
            Version = 0,
            Revision = 0,
            CreateTime = 0,
            ModifyTime = 0,
            Meta = Sorted(job.Meta.Where(m => !m.Key.StartsWith(ReservedMetaPrefix, StringComparison.Ordinal))),
            Labels = Sorted(job.Labels),
            Tasks = [.. job.Tasks.Select(t => t with { Resources = Lowered(t.Resources), Env = Sorted(t.Env), Meta = Sorted(t.Meta) })],
        };
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n" }))
        {
            JsonSerializer.Serialize(writer, spec, BacalhauJsonContext.Default.Job);
        }

        return Encoding.UTF8.GetString(buffer.ToArray()).Split('\n');
    }

    /// <summary>A map in key order, so that two specs listing the same entries differently compare equal.</summary>
    private static Dictionary<string, string> Sorted(IEnumerable<KeyValuePair<string, string>> map) =>
        map.OrderBy(e => e.Key, StringComparer.Ordinal).ToDictionary();

    private static ResourcesConfig Lowered(ResourcesConfig r) => r with
    {
        CPU = r.CPU.ToLowerInvariant(),
        Memory = r.Memory.ToLowerInvariant(),
        Disk = r.Disk.ToLowerInvariant(),
        GPU = r.GPU.ToLowerInvariant(),
    };

    /// <summary>The longest common subsequence of the changed middles, as kept, removed and added lines.</summary>
    private static IEnumerable<(char Mark, string Line)> Align(string[] before, string[] after)
    {
        if ((long)before.Length * after.Length > MaxAlignedCells)
        {
            return before.Select(l => ('-', l)).Concat(after.Select(l => ('+', l)));
        }

        // common[i, j]: the length of the longest common subsequence of before[i..] and after[j..].
        var common = new int[before.Length + 1, after.Length + 1];
        for (var i = before.Length - 1; i >= 0; i--)
        {
            for (var j = after.Length - 1; j >= 0; j--)
            {
                common[i, j] = before[i] == after[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }

        var edits = new List<(char, string)>();
        int x = 0, y = 0;
        while (x < before.Length || y < after.Length)
        {
            if (x < before.Length && y < after.Length && before[x] == after[y])
            {
                edits.Add((' ', before[x++]));
                y++;
            }
            else if (y == after.Length || (x < before.Length && common[x + 1, y] >= common[x, y + 1]))
            {
                edits.Add(('-', before[x++]));
            }
            else
            {
                edits.Add(('+', after[y++]));
            }
        }

        return edits;
    }

    /// <summary>The changed lines with <see cref="Context"/> unchanged ones around each run of them.</summary>
    private static string Render(List<(char Mark, string Line)> edits)
    {
        var shown = new bool[edits.Count];
        for (var i = 0; i < edits.Count; i++)
        {
            if (edits[i].Mark != ' ')
            {
                for (var k = Math.Max(0, i - Context); k <= Math.Min(edits.Count - 1, i + Context); k++)
                {
                    shown[k] = true;
                }
            }
        }

        var text = new StringBuilder();
        for (var i = 0; i < edits.Count; i++)
        {
            if (!shown[i])
            {
                continue;
            }

            if (i > 0 && !shown[i - 1] && text.Length > 0)
            {
                text.Append("  ...\n");
            }

            text.Append(edits[i].Mark).Append(' ').Append(edits[i].Line).Append('\n');
        }

        return text.ToString();
    }
}

using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace Bacalhau.FaultTests.Infrastructure;

/// <summary>
/// One row per case: on the test's output, and appended to the file named by <c>BACALHAU_FAULTS_REPORT</c> (set by
/// <c>scripts/faults.sh</c>, which prints them together at the end).
/// </summary>
internal static class FaultReport
{
    public const string Header = "case | accepted | completed | failed | lost | never ended | duplicated | recovered in | refused during the fault";

    private static readonly Lock FileLock = new();

    public static string Row(string name, FaultTally tally, TimeSpan? recovery)
    {
        var row = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{name} | {tally.Accepted} | {tally.Completed} | {Reasons(tally.Failed)} | {tally.Lost} | {tally.NeverEnded} | {tally.Duplicated}")
            .Append(tally.FinishedBeforeNodeLost > 0 ? $" (+{tally.FinishedBeforeNodeLost} finished on a node before it was declared lost, run again)" : "")
            .Append(" | ")
            .Append(recovery is { } r ? $"{r.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s" : "-")
            .Append(" | ")
            .Append(Reasons(tally.Refused));
        return row.ToString();
    }

    public static void Write(ITestOutputHelper output, string row)
    {
        output.WriteLine(Header);
        output.WriteLine(row);
        if (Environment.GetEnvironmentVariable("BACALHAU_FAULTS_REPORT") is { Length: > 0 } file)
        {
            lock (FileLock)
            {
                File.AppendAllText(file, (new FileInfo(file) is { Exists: true, Length: > 0 } ? "" : Header + "\n") + row + "\n");
            }
        }
    }

    /// <summary>Prints the case's row and fails it when a job was lost, duplicated or never ended.</summary>
    public static void Check(ITestOutputHelper output, string name, FaultTally tally, TimeSpan? recovery)
    {
        var row = Row(name, tally, recovery);
        Write(output, row);
        if (tally.DuplicateExample is { } example)
        {
            output.WriteLine($"duplicated, for example: {example}");
        }

        Assert.True(tally.Accepted > 0, $"no job was accepted: {row}");
        Assert.True(tally is { Lost: 0, Duplicated: 0, NeverEnded: 0 }, $"{Header}\n{row}");
    }

    private static string Reasons(IReadOnlyDictionary<string, int> reasons) =>
        reasons.Count == 0 ? "0" : $"{reasons.Values.Sum()} ({string.Join("; ", reasons.Select(r => $"{r.Value}x {r.Key}"))})";
}

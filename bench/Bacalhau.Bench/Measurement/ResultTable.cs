using System.Globalization;
using System.Text;

namespace Bacalhau.Bench.Measurement;

/// <summary>The figures as a plain-text table: value, baseline, ratio, target and verdict of each.</summary>
internal static class ResultTable
{
    private static readonly string[] Headers = ["Scenario", "Figure", "Value", "Baseline", "Ratio", "Target", "Result"];

    public static string Format(IReadOnlyList<Figure> figures)
    {
        var rows = figures.Select(f => new[]
        {
            f.Scenario,
            f.Name,
            f.Skipped is null ? Number(f.Value, f.Unit) : "-",
            f.Baseline is { } baseline ? $"{Number(baseline, f.BaselineUnit ?? f.Unit)} ({f.BaselineName})" : "-",
            f.Ratio is { } ratio ? ratio.ToString("0.##", CultureInfo.InvariantCulture) + "×" : "-",
            f.Target?.Describe(f.Unit) ?? "-",
            f.Verdict,
        }).ToList();
        var widths = Headers.Select((h, i) => rows.Select(r => r[i].Length).Prepend(h.Length).Max()).ToArray();

        var text = new StringBuilder();
        AppendRow(text, Headers, widths);
        AppendRow(text, [.. widths.Select(w => new string('-', w))], widths);
        foreach (var row in rows)
        {
            AppendRow(text, row, widths);
        }

        foreach (var figure in figures.Where(f => f.Skipped is not null || f.Note is not null))
        {
            text.Append(CultureInfo.InvariantCulture, $"  {figure.Scenario} / {figure.Name}: {figure.Skipped ?? figure.Note}").AppendLine();
        }

        return text.ToString();
    }

    public static string Number(double value, string unit)
    {
        if (double.IsNaN(value))
        {
            return "n/a";
        }

        var format = Math.Abs(value) >= 100 ? "0" : Math.Abs(value) >= 10 ? "0.0" : Math.Abs(value) >= 1 ? "0.00" : "0.000";
        return value.ToString(format, CultureInfo.InvariantCulture) + (unit.Length > 0 ? " " + unit : "");
    }

    private static void AppendRow(StringBuilder text, string[] cells, int[] widths)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            text.Append(cells[i].PadRight(widths[i])).Append(i < cells.Length - 1 ? " | " : "");
        }

        text.AppendLine();
    }
}

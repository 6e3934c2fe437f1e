using System.Text;

namespace Bacalhau.Cli.Output;

/// <summary>
/// A plain text table that fits the terminal: when the natural width is too wide, the widest columns are
/// shortened (their cells end in "…") until it fits.
/// </summary>
internal sealed class Table
{
    private const string Gap = "  ";
    private const int MinColumnWidth = 6;
    private readonly string[]? _headers;
    private readonly List<string[]> _rows = [];
    private readonly int _columns;

    /// <summary>A table with a header row.</summary>
    public Table(params string[] headers)
    {
        _headers = headers;
        _columns = headers.Length;
    }

    private Table(int columns) => _columns = columns;

    /// <summary>A two-column table of names and values, without a header row.</summary>
    public static Table KeyValue() => new(2);

    public Table Add(params string?[] cells)
    {
        if (cells.Length != _columns)
        {
            throw new ArgumentException($"expected {_columns} cells, got {cells.Length}", nameof(cells));
        }

        _rows.Add([.. cells.Select(c => (c ?? "").ReplaceLineEndings(" "))]);
        return this;
    }

    public string Render(int maxWidth)
    {
        var all = _headers is null ? _rows : [_headers, .. _rows];
        var widths = Enumerable.Range(0, _columns).Select(c => all.Select(r => r[c].Length).DefaultIfEmpty(0).Max()).ToArray();
        Shrink(widths, maxWidth - (Gap.Length * (_columns - 1)));

        var text = new StringBuilder();
        foreach (var row in all)
        {
            var line = string.Join(Gap, row.Select((cell, c) => Formatting.Fit(cell, widths[c]).PadRight(widths[c])));
            text.Append(line.TrimEnd()).Append('\n');
        }

        return text.ToString();
    }

    private static void Shrink(int[] widths, int available)
    {
        while (widths.Sum() > available)
        {
            var widest = Array.IndexOf(widths, widths.Max());
            if (widths[widest] <= MinColumnWidth)
            {
                return;
            }

            widths[widest]--;
        }
    }
}

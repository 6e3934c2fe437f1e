using System.Text;

namespace Bacalhau.Cli.Output;

/// <summary>
/// A plain text table that fits the terminal: when the natural width is too wide, the widest columns are
/// shortened (their cells end in "…") until it fits. The same rows can be written as CSV.
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

        _rows.Add([.. cells.Select(c => c ?? "")]);
        return this;
    }

    /// <summary>The table in <paramref name="maxWidth"/> columns; the header, when there is one and <paramref name="header"/>, in bold when <paramref name="bold"/>.</summary>
    public string Render(int maxWidth, bool header = true, bool bold = false)
    {
        var head = header && _headers is not null;
        var all = new List<string[]>();
        if (head)
        {
            all.Add(_headers!);
        }

        all.AddRange(_rows.Select(r => r.Select(c => c.ReplaceLineEndings(" ")).ToArray()));
        var widths = Enumerable.Range(0, _columns).Select(c => all.Select(r => r[c].Length).DefaultIfEmpty(0).Max()).ToArray();
        Shrink(widths, maxWidth - (Gap.Length * (_columns - 1)));

        var text = new StringBuilder();
        for (var i = 0; i < all.Count; i++)
        {
            var line = string.Join(Gap, all[i].Select((cell, c) => Formatting.Fit(cell, widths[c]).PadRight(widths[c]))).TrimEnd();
            text.Append(i == 0 && head && bold ? Ansi.Bold(line) : line).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The header (when there is one and <paramref name="header"/>) and rows as CSV, values whole.</summary>
    public string ToCsv(bool header = true)
    {
        var text = new StringBuilder();
        foreach (var row in header && _headers is not null ? _rows.Prepend(_headers) : _rows)
        {
            text.Append(Csv.Line(row)).Append('\n');
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

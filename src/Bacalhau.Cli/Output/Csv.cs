namespace Bacalhau.Cli.Output;

/// <summary>Comma-separated values as RFC 4180 writes them, the shape Bacalhau's <c>--output csv</c> prints.</summary>
internal static class Csv
{
    private static readonly char[] Special = [',', '"', '\r', '\n'];

    /// <summary>A field as is, or quoted with its quotes doubled when it holds a comma, a quote or a line break.</summary>
    public static string Field(string value) =>
        value.IndexOfAny(Special) < 0 ? value : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    public static string Line(IEnumerable<string> fields) => string.Join(',', fields.Select(Field));
}

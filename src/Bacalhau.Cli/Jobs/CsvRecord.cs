using System.Text;

namespace Bacalhau.Cli.Jobs;

/// <summary>The comma-separated flag values Bacalhau reads with Go's CSV reader (<c>-i</c>, <c>-p</c>, <c>--template-vars</c>); a malformed one throws <see cref="FormatException"/> saying why.</summary>
internal static class CsvRecord
{
    /// <summary>
    /// One CSV record as Go's encoding/csv reads it: fields split at ',', a quoted field may hold ',' and "" for '"'.
    /// A value quoted after its key (<c>src="data:,a,b"</c>) is read the same way, which Go would refuse.
    /// </summary>
    public static List<string> Split(string value)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (true)
        {
            while (i < value.Length && value[i] != ',')
            {
                if (value[i] != '"')
                {
                    field.Append(value[i++]);
                }
                else if (field.Length == 0 || IsKey(field))
                {
                    i = ReadQuoted(value, i + 1, field);
                    if (i < value.Length && value[i] != ',')
                    {
                        throw new FormatException("text after a closing quote");
                    }
                }
                else
                {
                    throw new FormatException("a quote inside an unquoted field (quote the whole field or the value after its key)");
                }
            }

            fields.Add(field.ToString());
            field.Clear();
            if (i >= value.Length)
            {
                return fields;
            }

            i++;
        }
    }

    /// <summary>Appends the quoted text that starts at <paramref name="start"/> to <paramref name="field"/>; returns the index after the closing quote.</summary>
    private static int ReadQuoted(string value, int start, StringBuilder field)
    {
        var i = start;
        while (true)
        {
            if (i >= value.Length)
            {
                throw new FormatException("a quote is never closed");
            }

            if (value[i] != '"')
            {
                field.Append(value[i++]);
            }
            else if (i + 1 < value.Length && value[i + 1] == '"')
            {
                field.Append('"');
                i += 2;
            }
            else
            {
                return i + 1;
            }
        }
    }

    /// <summary>Whether <paramref name="field"/> is so far a key and its '=' (<c>src=</c>), so a quoted value may follow.</summary>
    private static bool IsKey(StringBuilder field) =>
        field.Length > 1 && field[^1] == '=' && Enumerable.Range(0, field.Length - 1).All(i => char.IsAsciiLetter(field[i]));
}

using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Bacalhau.Cli.Formats;

namespace Bacalhau.Cli.Output;

/// <summary>
/// Prints a result as a table or CSV, or as the API's own JSON or YAML shape: the one place every command's output
/// flags take effect.
/// </summary>
internal sealed class OutputWriter(TextWriter stdout, OutputSettings settings, ConsoleStyle style)
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public TextWriter Out => stdout;

    public OutputFormat Format => settings.Format;

    /// <summary>Whether the result is printed as rows (a table or CSV) rather than as a document.</summary>
    public bool Tabular => settings.Format is OutputFormat.Table or OutputFormat.Csv;

    public void Write<T>(T value, JsonTypeInfo<T> type, Func<T, Table> table)
    {
        if (Tabular)
        {
            stdout.Write(Render(table(value)));
        }
        else
        {
            WriteDocument(JsonSerializer.SerializeToElement(value, type));
        }
    }

    /// <summary><paramref name="table"/> as the flags ask: CSV, or text cut to the terminal unless <c>--wide</c>, its header bold on a colour terminal unless <c>--no-style</c>.</summary>
    public string Render(Table table) => settings.Format == OutputFormat.Csv
        ? table.ToCsv(!settings.HideHeader)
        : table.Render(settings.Wide ? int.MaxValue / 2 : Terminal.Width, !settings.HideHeader, style.Colour && !settings.NoStyle);

    /// <summary>A JSON document in the chosen format; a table or CSV falls back to JSON.</summary>
    public void WriteDocument(JsonElement document)
    {
        if (settings.Format == OutputFormat.Yaml)
        {
            stdout.Write(YamlJson.ToYaml(document));
        }
        else
        {
            stdout.WriteLine(ToIndentedJson(document));
        }
    }

    public static string ToIndentedJson(JsonElement document)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Indented))
        {
            document.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}

using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Bacalhau.Cli.Formats;

namespace Bacalhau.Cli.Output;

/// <summary>Prints a result as a table, or as the API's own JSON or YAML shape.</summary>
internal sealed class OutputWriter(TextWriter stdout, OutputFormat format)
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public TextWriter Out => stdout;

    public OutputFormat Format => format;

    public void Write<T>(T value, JsonTypeInfo<T> type, Func<T, Table> table)
    {
        if (format == OutputFormat.Table)
        {
            stdout.Write(table(value).Render(Terminal.Width));
        }
        else
        {
            WriteDocument(JsonSerializer.SerializeToElement(value, type));
        }
    }

    /// <summary>A JSON document in the chosen format; a table falls back to JSON.</summary>
    public void WriteDocument(JsonElement document)
    {
        if (format == OutputFormat.Yaml)
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

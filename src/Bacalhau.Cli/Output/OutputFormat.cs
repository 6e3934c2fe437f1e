using System.CommandLine;

namespace Bacalhau.Cli.Output;

internal enum OutputFormat
{
    Table,
    Csv,
    Json,
    Yaml,
}

/// <summary>What the output flags ask for: the format, and for tables Bacalhau's <c>--wide</c>, <c>--no-style</c> and <c>--hide-header</c>.</summary>
internal sealed record OutputSettings(OutputFormat Format, bool Wide = false, bool NoStyle = false, bool HideHeader = false);

/// <summary>The output flags of a command, as Bacalhau names them; descriptions default to a table, raw objects may default to YAML.</summary>
internal sealed class OutputOptions
{
    private readonly Option<OutputFormat> _format;
    private readonly Option<bool> _wide = new("--wide") { Description = "Print full values in tables, however wide the terminal" };
    private readonly Option<bool> _noStyle = new("--no-style") { Description = "Remove all styling from table output" };
    private readonly Option<bool> _hideHeader = new("--hide-header") { Description = "Do not print the column headers (table and csv)" };

    private OutputOptions(OutputFormat defaultFormat) => _format = new("--output")
    {
        Description = "Output format: table, csv, json or yaml",
        HelpName = "table|csv|json|yaml",
        DefaultValueFactory = _ => defaultFormat,
    };

    public static OutputOptions Create(OutputFormat defaultFormat = OutputFormat.Table) => new(defaultFormat);

    public void AddTo(Command command)
    {
        command.Add(_format);
        command.Add(_wide);
        command.Add(_noStyle);
        command.Add(_hideHeader);
    }

    public OutputSettings Read(ParseResult parse) =>
        new(parse.GetValue(_format), parse.GetValue(_wide), parse.GetValue(_noStyle), parse.GetValue(_hideHeader));
}

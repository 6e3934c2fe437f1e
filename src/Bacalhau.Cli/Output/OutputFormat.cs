using System.CommandLine;

namespace Bacalhau.Cli.Output;

internal enum OutputFormat
{
    Table,
    Json,
    Yaml,
}

internal static class OutputOptions
{
    /// <summary>A fresh <c>--output</c> option; descriptions default to a table, raw objects may default to YAML.</summary>
    public static Option<OutputFormat> Create(OutputFormat defaultFormat = OutputFormat.Table) => new("--output")
    {
        Description = "Output format: table, json or yaml",
        HelpName = "table|json|yaml",
        DefaultValueFactory = _ => defaultFormat,
    };
}

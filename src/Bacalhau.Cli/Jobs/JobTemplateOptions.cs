using System.Collections;
using System.CommandLine;
using System.Text.RegularExpressions;

namespace Bacalhau.Cli.Jobs;

/// <summary>
/// <c>job run</c>'s template flags, as Bacalhau's: <c>--template-vars/-V k=v</c> (repeatable, or comma-separated with
/// CSV quoting), <c>--template-envs/-E REGEX</c> (environment variables whose names match are variables too, the
/// explicit ones winning; <c>*</c> is all) and <c>--no-template</c> (the file is sent as it is).
/// </summary>
internal sealed class JobTemplateOptions
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private readonly Option<string[]> _vars = new("--template-vars", "-V")
    {
        Description = "Replace a placeholder {{.key}} in the job spec with a value, e.g. --template-vars foo=bar; repeatable",
        HelpName = "key=value",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<string?> _envs = new("--template-envs", "-E")
    {
        Description = "A regular expression: environment variables whose names match are template variables too (\".*\" for all)",
        HelpName = "regex",
    };

    private readonly Option<bool> _noTemplate = new("--no-template") { Description = "Use the job spec as it is, without filling placeholders" };

    public void AddTo(Command command)
    {
        command.Add(_vars);
        command.Add(_envs);
        command.Add(_noTemplate);
    }

    /// <summary>The variables to render the spec with, or null when <c>--no-template</c> says not to render it.</summary>
    public IReadOnlyDictionary<string, string>? Read(ParseResult parse, IDictionary environment)
    {
        if (parse.GetValue(_noTemplate))
        {
            return null;
        }

        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in (parse.GetValue(_vars) ?? []).SelectMany(Items))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliException($"invalid --template-vars '{item}': expected key=value");
            }

            variables[item[..equals]] = item[(equals + 1)..];
        }

        if (parse.GetValue(_envs) is { Length: > 0 } pattern)
        {
            Regex names;
            try
            {
                names = new Regex(pattern == "*" ? ".*" : pattern, RegexOptions.CultureInvariant, MatchTimeout);
            }
            catch (ArgumentException ex)
            {
                throw new CliException($"invalid --template-envs '{pattern}': {ex.Message}");
            }

            foreach (DictionaryEntry entry in environment)
            {
                if (entry.Key is string name && entry.Value is string value && names.IsMatch(name))
                {
                    variables.TryAdd(name, value);
                }
            }
        }

        return variables;
    }

    private static IEnumerable<string> Items(string value)
    {
        try
        {
            return CsvRecord.Split(value).Where(i => i.Length > 0);
        }
        catch (FormatException ex)
        {
            throw new CliException($"invalid --template-vars '{value}': {ex.Message}");
        }
    }
}

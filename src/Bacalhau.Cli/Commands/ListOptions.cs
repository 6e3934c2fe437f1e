using System.CommandLine;
using System.Text.Json.Serialization.Metadata;
using Bacalhau.Cli.Output;
using Bacalhau.Client;

namespace Bacalhau.Cli.Commands;

/// <summary>The paging flags of the list commands, as Bacalhau names them: <c>--limit</c>, <c>--next-token</c>, <c>--order-by</c>, <c>--order-reversed</c>.</summary>
internal sealed class ListOptions
{
    private readonly Option<int?> _limit;
    private readonly Option<string?> _nextToken = new("--next-token") { Description = "Continue a previous listing: the token it printed" };
    private readonly Option<string?> _orderBy;
    private readonly Option<bool> _reverse = new("--order-reversed") { Description = "Reverse the order of the results" };

    /// <param name="orderFields">What <c>--order-by</c> takes (the server checks it).</param>
    /// <param name="defaultLimit">The page size when <c>--limit</c> is not given; null for the whole list.</param>
    public ListOptions(string[] orderFields, int? defaultLimit = null)
    {
        _limit = new("--limit") { Description = defaultLimit is null ? "Limit the number of results returned" : $"Limit the number of results returned (default {defaultLimit})" };
        if (defaultLimit is { } limit)
        {
            _limit.DefaultValueFactory = _ => limit;
        }

        _orderBy = new("--order-by") { Description = $"Order results by a field: {string.Join(", ", orderFields)}", HelpName = "field" };
    }

    public void AddTo(Command command)
    {
        command.Add(_limit);
        command.Add(_nextToken);
        command.Add(_orderBy);
        command.Add(_reverse);
    }

    /// <summary><paramref name="query"/> with the paging the flags ask for.</summary>
    public T Read<T>(ParseResult parse, T query) where T : ListQuery => query with
    {
        Limit = parse.GetValue(_limit),
        NextToken = parse.GetValue(_nextToken),
        OrderBy = parse.GetValue(_orderBy),
        Reverse = parse.GetValue(_reverse),
    };

    /// <summary>Writes a page of a list as <paramref name="output"/> asks; after a table, how to get the next page, when there is one.</summary>
    public static async Task WritePageAsync<T>(CommandContext context, OutputOptions output, T page, JsonTypeInfo<T> type, Func<T, Table> table, string? nextToken)
    {
        var writer = context.Output(output);
        writer.Write(page, type, table);
        if (writer.Format == OutputFormat.Table && !string.IsNullOrEmpty(nextToken))
        {
            await context.Out.WriteLineAsync($"\nTo fetch more records, repeat the command with --next-token {nextToken}");
        }
    }
}

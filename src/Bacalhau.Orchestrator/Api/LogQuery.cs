using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Bacalhau.Orchestrator.Api;

/// <summary>
/// The query of a logs request, as Bacalhau's clients send it: <c>execution_id</c>, <c>follow</c> and <c>tail</c>. Tail
/// is a number of lines before the end of each of stdout and stderr, or <c>true</c>, which Bacalhau's own flag sends,
/// for only the output still to come.
/// </summary>
internal sealed record LogQuery(string? ExecutionId, bool Follow, int? Tail)
{
    public const int MaxTail = 100_000;
    private const int MaxExecutionIdLength = 128;

    public static bool TryRead(string? executionId, string? follow, string? tail, [NotNullWhen(true)] out LogQuery? query, [NotNullWhen(false)] out string? error)
    {
        query = null;
        if (executionId is { Length: > MaxExecutionIdLength })
        {
            error = $"execution_id: longer than {MaxExecutionIdLength} characters";
            return false;
        }

        if (TryReadBool(follow) is not { } following)
        {
            error = $"follow: '{follow}' is not true or false";
            return false;
        }

        // A number first: "0" and "1" are lines here, not the booleans they would be to follow.
        int? lines = int.TryParse(tail, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var count)
            ? count is >= 0 and <= MaxTail ? count : -1
            : TryReadBool(tail) switch
            {
                true => 0,
                false => null,
                null => -1,
            };
        if (lines < 0)
        {
            error = $"tail: '{tail}' is not a number of lines from 0 to {MaxTail} (or true: only the output to come)";
            return false;
        }

        query = new LogQuery(executionId is { Length: > 0 } ? executionId : null, following, lines);
        error = null;
        return true;
    }

    /// <summary>What Go's strconv.ParseBool takes, which Bacalhau binds its query with; absent or empty is false.</summary>
    private static bool? TryReadBool(string? value) => value?.ToUpperInvariant() switch
    {
        null or "" or "0" or "F" or "FALSE" => false,
        "1" or "T" or "TRUE" => true,
        _ => null,
    };
}

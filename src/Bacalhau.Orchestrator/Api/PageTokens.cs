using System.Globalization;

namespace Bacalhau.Orchestrator.Api;

/// <summary>
/// The <c>next_token</c> of the list endpoints, issued only by this server: the offset of the next page with, as
/// Bacalhau's tokens carry them, the page size and order of the listing it continues (<c>offset-limit-order-a|d</c>),
/// so that the pages of one listing stay in one order whatever the next request says. A bare offset is read too.
/// </summary>
internal static class PageTokens
{
    /// <summary>What <paramref name="token"/> stands for (an empty page at 0 when there is none); false when it is not one of ours.</summary>
    public static bool TryRead(string? token, out int offset, out (int? Limit, string OrderBy, bool Reverse)? listing)
    {
        offset = 0;
        listing = null;
        if (string.IsNullOrEmpty(token))
        {
            return true;
        }

        var parts = token.Split('-');
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            return false;
        }

        if (parts.Length == 1)
        {
            return true;
        }

        if (parts is not [_, var limit, { Length: > 0 } order, "a" or "d"] || !int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            return false;
        }

        listing = (size == 0 ? null : size, order, parts[3] == "d");
        return true;
    }

    public static string For(int offset, ListPage page) =>
        string.Create(CultureInfo.InvariantCulture, $"{offset}-{page.Limit ?? 0}-{page.OrderBy}-{(page.Reverse ? 'd' : 'a')}");

    public static ApiErrorResult Invalid(string? token) => ApiErrors.BadRequest($"next_token '{(token is { Length: > 64 } ? token[..64] + "..." : token)}' is not a token this server issued");
}

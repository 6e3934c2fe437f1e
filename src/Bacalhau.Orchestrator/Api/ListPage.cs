using System.Diagnostics.CodeAnalysis;

namespace Bacalhau.Orchestrator.Api;

/// <summary>
/// The paging parameters every list takes, as Bacalhau names them: <c>limit</c>, <c>next_token</c>, <c>order_by</c>
/// and <c>reverse</c>, read and checked. <see cref="Limit"/> is null when the whole list was asked for.
/// </summary>
internal sealed record ListPage(int Offset, int? Limit, string OrderBy, bool Reverse)
{
    /// <summary>The most items one page holds, whatever was asked for.</summary>
    public const int MaxLimit = 1000;

    /// <summary>
    /// Reads the parameters: no <c>limit</c> (or 0) means <paramref name="defaultLimit"/>, null for all; more than
    /// <see cref="MaxLimit"/> means that many. <c>order_by</c> takes one of <paramref name="orderFields"/>, the first by
    /// default. A bad value is an error naming its parameter. A token carries the page size and order its listing
    /// began with, and they are kept.
    /// </summary>
    public static bool TryRead(int? limit, string? nextToken, string? orderBy, bool? reverse, int? defaultLimit, string[] orderFields, [NotNullWhen(true)] out ListPage? page, [NotNullWhen(false)] out ApiErrorResult? error)
    {
        page = null;
        error = null;
        if (!PageTokens.TryRead(nextToken, out var offset, out var listing) || (listing is { } l && !orderFields.Contains(l.OrderBy, StringComparer.Ordinal)))
        {
            error = PageTokens.Invalid(nextToken);
            return false;
        }

        // A listing goes on as it began: its token's page size and order win over the request's.
        if (listing is { } continued)
        {
            page = new ListPage(offset, continued.Limit is { } kept ? Math.Min(kept, MaxLimit) : defaultLimit, continued.OrderBy, continued.Reverse);
            return true;
        }

        if (limit < 0)
        {
            error = ApiErrors.BadRequest($"limit must not be negative, got {limit}");
            return false;
        }

        var field = string.IsNullOrEmpty(orderBy) ? orderFields[0] : orderFields.FirstOrDefault(f => f.Equals(orderBy, StringComparison.OrdinalIgnoreCase));
        if (field is null)
        {
            error = ApiErrors.BadRequest($"order_by: '{(orderBy!.Length <= 64 ? orderBy : orderBy[..64] + "...")}' is not one of {string.Join(", ", orderFields)}");
            return false;
        }

        var size = limit is > 0 ? limit.Value : defaultLimit;
        page = new ListPage(offset, size is null ? null : Math.Min(size.Value, MaxLimit), field, reverse ?? false);
        return true;
    }

    /// <summary>This page of <paramref name="all"/> (already in order), and the token of the next page if there is one.</summary>
    public (IReadOnlyList<T> Items, string? NextToken) Slice<T>(IReadOnlyList<T> all)
    {
        var start = Math.Min(Offset, all.Count);
        var count = Math.Min(Limit ?? int.MaxValue, all.Count - start);
        var end = start + count;
        return ([.. all.Skip(start).Take(count)], end < all.Count ? PageTokens.For(end, this) : null);
    }
}

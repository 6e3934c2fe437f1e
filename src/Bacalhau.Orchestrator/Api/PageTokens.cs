using System.Globalization;

namespace Bacalhau.Orchestrator.Api;

/// <summary>The <c>next_token</c> of the list endpoints: the offset of the next page, issued only by this server.</summary>
internal static class PageTokens
{
    /// <summary>The offset <paramref name="token"/> stands for (0 when there is none); false when it is not one of ours.</summary>
    public static bool TryRead(string? token, out int offset)
    {
        offset = 0;
        return string.IsNullOrEmpty(token) || int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out offset);
    }

    public static string For(int offset) => offset.ToString(CultureInfo.InvariantCulture);

    public static ApiErrorResult Invalid(string? token) => ApiErrors.BadRequest($"next_token '{token}' is not a token this server issued");
}

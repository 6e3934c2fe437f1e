using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Compute.Inputs;

/// <summary>The <c>inline</c> source: content carried in the spec as a <c>data:</c> URL (base64 or percent-encoded).</summary>
internal sealed class InlineSource : IInputSource
{
    public string Type => SourceTypes.Inline;

    public async Task<string> StageAsync(InputSource input, string stagingPath, CancellationToken cancellationToken)
    {
        if (!input.Source.TryGetParam("URL", out var url) || url.ValueKind != System.Text.Json.JsonValueKind.String
            || url.GetString() is not { } text || !text.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            throw new InputException("inline source needs Params.URL with a data: URL");
        }

        var comma = text.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0)
        {
            throw new InputException("inline source: the data: URL has no ',' before its content");
        }

        var header = text[5..comma];
        var payload = text[(comma + 1)..];
        byte[] content;
        try
        {
            content = header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase)
                ? Convert.FromBase64String(payload.Trim())
                : System.Text.Encoding.UTF8.GetBytes(Uri.UnescapeDataString(payload));
        }
        catch (FormatException ex)
        {
            throw new InputException($"inline source: the data: URL content is not valid base64 ({ex.Message})", ex);
        }

        await File.WriteAllBytesAsync(stagingPath, content, cancellationToken);
        return stagingPath;
    }
}

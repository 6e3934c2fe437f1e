using System.Text;

namespace Bacalhau.Cli.Tests.BadInput;

/// <summary>One generated request: method, path with its query, and a body (null for none).</summary>
internal sealed record HttpCase(string Endpoint, HttpMethod Method, string PathAndQuery, byte[]? Body, string? ContentType)
{
    private const int LargeBody = 64 * 1024;

    public HttpRequestMessage ToRequest()
    {
        var request = new HttpRequestMessage(Method, PathAndQuery);
        if (Body is not null)
        {
            request.Content = new ByteArrayContent(Body);
            // As curl does: a large body waits for the server's go-ahead, so that a refusal (of its size, of a long URI)
            // comes back as an answer rather than as a connection closed while the body was still being sent.
            request.Headers.ExpectContinue = Body.Length > LargeBody;
            if (ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }

        return request;
    }

    /// <summary>What a failure report shows: enough to replay the case, not megabytes of it.</summary>
    public override string ToString()
    {
        var body = Body is null ? "" : Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 600));
        return $"{Method} {PathAndQuery[..Math.Min(PathAndQuery.Length, 300)]} ({ContentType}, {Body?.Length ?? 0} bytes) {body}";
    }
}

using System.Text.Json;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.Client;

/// <summary>Turns an error answer into one readable message: Bacalhau's <c>{"Message","Code"}</c>, else ASP.NET problem details, else the status.</summary>
internal static class ApiErrorReader
{
    public static async Task<BacalhauApiException> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        var request = response.RequestMessage is { } r ? $"{r.Method} {r.RequestUri?.AbsolutePath}" : "request";
        string? message = null;
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            message = FromBody(body);
        }
        catch (HttpRequestException)
        {
            // The body is only a nicer message; the status alone still says what happened.
        }

        return new BacalhauApiException(message ?? $"{request}: {status}", response.StatusCode);
    }

    private static string? FromBody(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (document.RootElement.Deserialize(BacalhauJsonContext.Default.ApiError) is { Message.Length: > 0 } error)
            {
                return error.Message;
            }

            var root = document.RootElement;
            var title = root.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            return string.Join(": ", new[] { title, detail }.Where(s => !string.IsNullOrEmpty(s))) is { Length: > 0 } text ? text : null;
        }
        catch (JsonException)
        {
            return body.Length > 200 ? body[..200] : body.Trim();
        }
    }
}

using System.Text.Json;
using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.Client;

/// <summary>Turns an error answer into one readable message: Bacalhau's error body (<see cref="ApiError"/>), else the status.</summary>
internal static class ApiErrorReader
{
    public static async Task<BacalhauApiException> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        var request = response.RequestMessage is { } r ? $"{r.Method} {r.RequestUri?.AbsolutePath}" : "request";
        ApiError? error = null;
        string? text = null;
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            (error, text) = FromBody(body);
        }
        catch (HttpRequestException)
        {
            // The body is only a nicer message; the status alone still says what happened.
        }

        return new BacalhauApiException(error?.Message ?? text ?? $"{request}: {status}", response.StatusCode, error);
    }

    /// <summary>The error body, or else a short text to show: what a proxy in between may have answered instead.</summary>
    private static (ApiError? Error, string? Text) FromBody(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.Deserialize(BacalhauJsonContext.Default.ApiError) is { Message.Length: > 0 } error
                ? (error, null)
                : (null, null);
        }
        catch (JsonException)
        {
            return (null, body.Length > 200 ? body[..200] : body.Trim());
        }
    }
}

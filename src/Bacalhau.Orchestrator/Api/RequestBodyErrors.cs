using System.Text;
using System.Text.Json;

namespace Bacalhau.Orchestrator.Api;

/// <summary>What a client did wrong when its request body could not be read, as an answer in the API's error shape.</summary>
internal static class RequestBodyErrors
{
    /// <summary>The answer for <paramref name="exception"/>, thrown while reading a body; null when it is not the client's fault.</summary>
    public static ApiErrorResult? Describe(Exception exception) => exception switch
    {
        // Kestrel's own refusals, chiefly a body over API:MaxRequestBodySize (413).
        BadHttpRequestException bad => ApiErrors.Refused(bad, "request body: "),
        // Found when a string is read, and wrapped by whatever read it (JsonDocument, the serializer, a strict decoder).
        _ when IsInvalidUtf8(exception) => ApiErrors.BadRequest("request body is not valid UTF-8"),
        JsonException json => ApiErrors.BadRequest($"request body is not valid JSON: {json.Message}"),
        _ => null,
    };

    private static bool IsInvalidUtf8(Exception? exception)
    {
        for (; exception is JsonException or InvalidOperationException or DecoderFallbackException; exception = exception.InnerException)
        {
            if (exception is DecoderFallbackException)
            {
                return true;
            }
        }

        return false;
    }
}

using System.Text.Json;
using Docker.DotNet;

namespace Bacalhau.Compute.Executors.Docker;

internal static class DockerErrors
{
    /// <summary>The daemon's own words (<c>{"message": "..."}</c>) rather than the client's wrapping of them.</summary>
    public static string MessageOf(DockerApiException exception)
    {
        try
        {
            using var body = JsonDocument.Parse(exception.ResponseBody);
            if (body.RootElement.ValueKind == JsonValueKind.Object
                && body.RootElement.TryGetProperty("message", out var message)
                && message.GetString() is { Length: > 0 } text)
            {
                return text;
            }
        }
        catch (JsonException)
        {
        }

        return string.IsNullOrWhiteSpace(exception.ResponseBody) ? exception.Message : exception.ResponseBody.Trim();
    }
}

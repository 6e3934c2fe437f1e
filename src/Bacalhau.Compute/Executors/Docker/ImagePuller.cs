using Docker.DotNet;
using Docker.DotNet.Models;

namespace Bacalhau.Compute.Executors.Docker;

/// <summary>Pulls an image the daemon does not have, as <c>docker run</c> does when creating its container finds none.</summary>
internal static class ImagePuller
{
    public static async Task PullAsync(IDockerClient client, string image, CancellationToken cancellationToken)
    {
        // The daemon reports most pull failures inside a successful response, as progress messages.
        var progress = new PullProgress();
        try
        {
            await client.Images.CreateImageAsync(ParametersFor(image), null, progress, cancellationToken);
        }
        catch (DockerApiException ex)
        {
            progress.Report(new JSONMessage { ErrorMessage = DockerErrors.MessageOf(ex) });
        }

        if (!await ExistsAsync(client, image, cancellationToken))
        {
            throw new ExecutionFailedException($"image '{image}' is not present on this node and could not be pulled: {progress.Error ?? "the pull ended without it"}");
        }
    }

    private static async Task<bool> ExistsAsync(IDockerClient client, string image, CancellationToken cancellationToken)
    {
        try
        {
            await client.Images.InspectImageAsync(image, cancellationToken);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    /// <summary>An image named without a tag or digest means <c>latest</c>; the daemon would pull every tag otherwise.</summary>
    private static ImagesCreateParameters ParametersFor(string image)
    {
        var name = image[(image.LastIndexOf('/') + 1)..];
        var tagged = name.Contains(':', StringComparison.Ordinal) || name.Contains('@', StringComparison.Ordinal);
        return new ImagesCreateParameters { FromImage = image, Tag = tagged ? null : "latest" };
    }

    /// <summary>Keeps the last error; reported synchronously, unlike <see cref="Progress{T}"/>, so none arrives late.</summary>
    private sealed class PullProgress : IProgress<JSONMessage>
    {
        public string? Error { get; private set; }

        public void Report(JSONMessage value)
        {
            if (value.Error?.Message is { Length: > 0 } error)
            {
                Error = error;
            }
            else if (value.ErrorMessage is { Length: > 0 } message)
            {
                Error = message;
            }
        }
    }
}

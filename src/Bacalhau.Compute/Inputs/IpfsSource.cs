using System.Globalization;
using System.Text.Json;
using Bacalhau.Compute.Publishers.Local;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Identity.Content;
using Bacalhau.Messaging.Content;
using Microsoft.Extensions.Options;

namespace Bacalhau.Compute.Inputs;

/// <summary>
/// The <c>ipfs</c> source: the content of <c>Params.CID</c> from the cluster's content store, where the <c>ipfs</c>
/// publisher put a result, so one job's published result is the next one's input. The bytes are checked against the
/// CID before use (a node that put other bytes under it first is never believed), bounded by
/// <c>InputSources.MaxIpfsSize</c> and <c>InputSources.ReadTimeout</c>, and the result archive is unpacked into a
/// directory mounted at the target, laid out as the publisher packed it.
/// </summary>
internal sealed class IpfsSource(ContentStore content, IOptions<InputSourcesOptions> options) : IInputSource
{
    public string Type => SourceTypes.Ipfs;

    public async Task<string> StageAsync(InputSource input, string stagingPath, CancellationToken cancellationToken)
    {
        var text = input.Source.TryGetParam("CID", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (!Cid.TryParse(text, out var cid, out var problem))
        {
            throw new InputException($"ipfs source needs Params.CID with a CID, got '{text}': {problem}");
        }

        var settings = options.Value;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.ReadTimeout);
        // Beside the staging path, inside the execution's working directory; gone once unpacked.
        await using var archive = new FileStream(stagingPath + ".download", FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            var read = await content.ReadAsync(cid, archive, settings.MaxIpfsSize, timeout.Token);
            switch (read)
            {
                case ContentRead.Missing:
                    throw new InputException($"ipfs: no content with CID {cid} in the cluster's content store");
                case ContentRead.TooLarge:
                    throw new InputException(string.Create(CultureInfo.InvariantCulture, $"ipfs: {cid} is larger than {settings.MaxIpfsSize} bytes (InputSources.MaxIpfsSize)"));
                case ContentRead.NotMatching:
                    throw new InputException($"ipfs: the content store holds other bytes under {cid} than the CID names; they are not used");
            }

            archive.Position = 0;
            await ResultArchive.ExtractAsync(archive, stagingPath, settings.MaxIpfsSize, timeout.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InputException($"ipfs: {cid} took longer than {settings.ReadTimeout} (InputSources.ReadTimeout)", ex);
        }
        catch (InvalidDataException ex)
        {
            throw new InputException($"ipfs: {cid} is not a result archive that can be unpacked: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw new InputException($"ipfs: {cid} could not be unpacked: {ex.Message}", ex);
        }

        return stagingPath;
    }
}

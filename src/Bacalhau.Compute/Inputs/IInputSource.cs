using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Compute.Inputs;

/// <summary>One kind of input source (<c>inline</c>, <c>urlDownload</c>, <c>local</c>, <c>ipfs</c>): brings its data onto this machine.</summary>
public interface IInputSource
{
    /// <summary>The <c>Source.Type</c> this handles, as <see cref="SourceTypes"/> spells it.</summary>
    string Type { get; }

    /// <summary>
    /// Makes the input available on the host and returns the path to mount at <c>input.Target</c>.
    /// <paramref name="stagingPath"/> is a free path inside the execution's working directory (its parent exists)
    /// for sources that copy data; sources that mount existing data return that path instead.
    /// </summary>
    Task<string> StageAsync(InputSource input, string stagingPath, CancellationToken cancellationToken);
}

/// <summary>An input that cannot be staged; the execution fails with this message.</summary>
internal sealed class InputException(string message, Exception? inner = null) : Exception(message, inner);

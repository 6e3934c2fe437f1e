using System.Text.Json;
using Bacalhau.Contracts.Models.Jobs;
using Microsoft.Extensions.Options;

namespace Bacalhau.Compute.Inputs;

/// <summary>
/// The <c>local</c> source: a file or directory of this machine (<c>Params.SourcePath</c>), mounted in place and
/// read-only (<c>Params.ReadWrite</c> is not honoured). Only paths under <c>Compute.AllowListedLocalPaths</c> are
/// allowed, checked after resolving symbolic links so a link cannot lead out of an allowed directory.
/// </summary>
internal sealed class LocalSource(IOptions<ComputeOptions> options) : IInputSource
{
    public const string ConfigKey = "Compute.AllowListedLocalPaths";

    public string Type => SourceTypes.Local;

    public Task<string> StageAsync(InputSource input, string stagingPath, CancellationToken cancellationToken)
    {
        var requested = input.Source.TryGetParam("SourcePath", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (string.IsNullOrWhiteSpace(requested) || !Path.IsPathFullyQualified(requested))
        {
            throw new InputException($"local source needs Params.SourcePath with an absolute path, got '{requested}'");
        }

        if (!File.Exists(requested) && !Directory.Exists(requested))
        {
            throw new InputException($"local source: '{requested}' does not exist on this node");
        }

        var real = RealPath.Resolve(requested);
        if (!options.Value.AllowListedLocalPaths.Select(AllowedRoot).Any(root => IsUnder(real, root)))
        {
            throw new InputException($"local source: '{requested}' is not under any of the directories allowed by {ConfigKey}");
        }

        return Task.FromResult(real);
    }

    /// <summary>Bacalhau's entries may end in ":rw" or ":ro"; mounts are read-only here either way.</summary>
    private static string AllowedRoot(string entry)
    {
        var path = entry.EndsWith(":rw", StringComparison.OrdinalIgnoreCase) || entry.EndsWith(":ro", StringComparison.OrdinalIgnoreCase) ? entry[..^3] : entry;
        return Path.IsPathFullyQualified(path) ? RealPath.Resolve(path) : "";
    }

    private static bool IsUnder(string path, string root) =>
        root.Length > 0 && (path == root || path.StartsWith(Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal));
}

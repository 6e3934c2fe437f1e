using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Bacalhau.Compute.Executors;
using Bacalhau.Compute.Nodes;
using Bacalhau.Core.Models.Jobs;

namespace Bacalhau.Compute.Publishers.Local;

/// <summary>Published results of this node, each a gzipped tar named after the SHA-256 of its content.</summary>
public sealed partial class LocalResultStore(ComputeIdentity identity)
{
    private const string Extension = ".tar.gz";

    public string Directory { get; } = Path.Combine(identity.DataDir, "results");

    /// <summary>Archives the execution's results and returns the archive's name in the store.</summary>
    public async Task<string> SaveAsync(ExecutionRequest request, RunCommandResult result, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var temporary = Path.Combine(Directory, $".{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var file = File.Create(temporary))
            {
                await ResultArchive.WriteAsync(file, request.Results, result, cancellationToken);
            }

            string hash;
            await using (var file = File.OpenRead(temporary))
            {
                hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
            }

            var name = hash + Extension;
            // Same name, same content: an archive already there is as good as this one.
            File.Move(temporary, Path.Combine(Directory, name), overwrite: true);
            return name;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The file of a stored archive, or null; only names the store gives out are accepted.</summary>
    public string? Find(string name)
    {
        if (!ArchiveName().IsMatch(name))
        {
            return null;
        }

        var path = Path.Combine(Directory, name);
        return File.Exists(path) ? path : null;
    }

    [GeneratedRegex("^[0-9a-f]{64}\\.tar\\.gz$")]
    private static partial Regex ArchiveName();
}

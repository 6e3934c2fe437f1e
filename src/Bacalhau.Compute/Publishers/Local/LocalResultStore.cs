using System.Security.Cryptography;
using Bacalhau.Compute.Executors;
using Bacalhau.Compute.Nodes;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Identity.Content;

namespace Bacalhau.Compute.Publishers.Local;

/// <summary>Published results of this node, each a gzipped tar named after the SHA-256 of its content.</summary>
public sealed class LocalResultStore(ComputeIdentity identity)
{
    public const string Extension = ResultArchiveName.Extension;

    public string Directory { get; } = Path.Combine(identity.DataDir, "results");

    /// <summary>Archives the execution's results and returns the archive as stored.</summary>
    public async Task<StoredArchive> SaveAsync(ExecutionRequest request, RunCommandResult result, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var temporary = Path.Combine(Directory, $".{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var file = File.Create(temporary))
            {
                await ResultArchive.WriteAsync(file, request.Results, result, cancellationToken);
            }

            byte[] hash;
            await using (var file = File.OpenRead(temporary))
            {
                hash = await SHA256.HashDataAsync(file, cancellationToken);
            }

            var name = ResultArchiveName.For(hash);
            var path = Path.Combine(Directory, name);
            // Same name, same content: an archive already there is as good as this one.
            File.Move(temporary, path, overwrite: true);
            return new StoredArchive(name, path, hash);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Whether <paramref name="name"/> has the form of the names the store gives out.</summary>
    public static bool IsArchiveName(string name) => ResultArchiveName.IsValid(name);

    /// <summary>
    /// The file of a stored archive, or null; only names the store gives out are accepted, and only a regular file
    /// inside the store's directory is served (a link planted there leads nowhere).
    /// </summary>
    public string? Find(string name)
    {
        if (!IsArchiveName(name))
        {
            return null;
        }

        var path = Path.Combine(Directory, name);
        return File.Exists(path) && new FileInfo(path).LinkTarget is null ? path : null;
    }
}

/// <summary>An archive in the <see cref="LocalResultStore"/>: its name there, its file and the SHA-256 of its bytes.</summary>
public sealed record StoredArchive(string Name, string Path, byte[] Sha256);

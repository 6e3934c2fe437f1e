using System.Text;

namespace Bacalhau.Identity.Nodes;

/// <summary>
/// The one way files of a node are written: whole or not at all, through a temporary file beside them that is
/// flushed to disk and then moved into place, so a crash never leaves half a key, config or metadata file. Files that
/// hold secrets (keys, tokens, seeds) are created owner-only (0600) from the first byte.
/// </summary>
public static class AtomicFile
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Writes <paramref name="text"/> (UTF-8) to <paramref name="path"/>, creating its directory. Without
    /// <paramref name="overwrite"/> an existing file is kept and false returned (another process wrote it first).
    /// </summary>
    public static bool Write(string path, string text, bool overwrite, bool ownerOnly)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(text);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (ownerOnly && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(Encoding.UTF8.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite);
            return true;
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            return false;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>The trimmed text of <paramref name="path"/>, written from <paramref name="create"/> first when the file does not exist; a file another process created first wins.</summary>
    public static string ReadOrCreate(string path, Func<string> create, bool ownerOnly)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(create);
        if (!File.Exists(path))
        {
            Write(path, create(), overwrite: false, ownerOnly);
        }

        return File.ReadAllText(path).Trim();
    }
}

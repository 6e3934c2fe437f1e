using System.Text;

namespace Bacalhau.Identity.Nodes;

/// <summary>Files that hold secrets (API keys, tokens): readable by their owner only (0600), written whole or not at all.</summary>
public static class PrivateFile
{
    /// <summary>
    /// Writes <paramref name="text"/> to <paramref name="path"/> through a temporary file created 0600. Without
    /// <paramref name="overwrite"/> an existing file is kept and false returned (another process wrote it first).
    /// </summary>
    public static bool Write(string path, string text, bool overwrite)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
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
}

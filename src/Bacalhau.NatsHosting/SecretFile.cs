namespace Bacalhau.NatsHosting;

/// <summary>Files only their owner may read (0600), written atomically: NATS seeds, the server's config file, credentials.</summary>
public static class SecretFile
{
    /// <summary>The text of <paramref name="path"/>, written from <paramref name="create"/> first when the file does not exist.</summary>
    public static string ReadOrCreate(string path, Func<string> create)
    {
        if (!File.Exists(path))
        {
            try
            {
                Write(path, create(), overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: its content wins.
            }
        }

        return File.ReadAllText(path).Trim();
    }

    /// <summary>Writes <paramref name="text"/> to a new owner-only file and moves it into place.</summary>
    public static void Write(string path, string text, bool overwrite = true)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temp, options))
            {
                stream.Write(System.Text.Encoding.UTF8.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}

namespace Bacalhau.Orchestrator.Api;

/// <summary>Scratch files for content on its way to a client: nobody else may open them, and they go away when closed.</summary>
internal static class TemporaryFiles
{
    public static FileStream Create()
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            BufferSize = 81920,
            Options = FileOptions.DeleteOnClose | FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(Path.Combine(Path.GetTempPath(), $"bacalhau-{Guid.NewGuid():N}"), options);
    }
}

using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.FaultTests.Infrastructure;

/// <summary>
/// A small tmpfs (as root) to run out of space on: <see cref="FillAsync"/> takes every free byte with a filler file,
/// <see cref="Free"/> gives it back; unmounted and removed when disposed.
/// </summary>
internal sealed class SmallDisk : IAsyncDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    private string Filler => System.IO.Path.Combine(Path, "filler");

    public static async Task<SmallDisk> MountAsync(string size)
    {
        var path = Directory.CreateTempSubdirectory("bacalhau-faults-disk-").FullName;
        try
        {
            await RunAsync("mount", "-t", "tmpfs", "-o", $"size={size},mode=0700", "tmpfs", path);
        }
        catch
        {
            Directory.Delete(path);
            throw;
        }

        return new SmallDisk(path);
    }

    public async Task FillAsync()
    {
        var chunk = new byte[64 * 1024];
        await using var file = new FileStream(Filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            while (true)
            {
                await file.WriteAsync(chunk);
            }
        }
        catch (IOException)
        {
            // No space left: the point.
        }
    }

    public void Free() => File.Delete(Filler);

    public async ValueTask DisposeAsync()
    {
        await RunAsync("umount", Path);
        Directory.Delete(Path);
    }

    private static async Task RunAsync(string command, params string[] arguments)
    {
        await using var process = ChildProcess.Start(command, arguments);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} exited with {exitCode}: {process.Output}");
        }
    }
}

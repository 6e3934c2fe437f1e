using System.Globalization;
using Bacalhau.NatsHosting.Server;

namespace Bacalhau.Cli.Serve;

/// <summary>
/// A serve's hold on the embedded nats-server of its data dir: an exclusive lock, which the kernel drops when the
/// process dies, so that two serves never share one store; and, once held, the stop of a nats-server that a killed
/// serve left running (<see cref="LeftoverNatsServer"/>).
/// </summary>
internal sealed class EmbeddedNatsClaim : IDisposable
{
    private readonly FileStream _lock;

    private EmbeddedNatsClaim(FileStream lockFile) => _lock = lockFile;

    public static async Task<EmbeddedNatsClaim> TakeAsync(EmbeddedNatsOptions options, TextWriter console, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(options.LockFile)!;
        Directory.CreateDirectory(directory);
        FileStream lockFile;
        try
        {
            // FileShare.None takes an exclusive advisory lock.
            lockFile = new FileStream(options.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new CliException($"another `bacalhau serve` is running an orchestrator on {directory}; stop it first");
        }

        try
        {
            if (await LeftoverNatsServer.StopAsync(options.Server.PidFile, cancellationToken) is { } pid)
            {
                await console.WriteLineAsync($"Stopped the nats-server (PID {pid.ToString(CultureInfo.InvariantCulture)}) that a previous serve on this data dir left running");
            }
        }
        catch (NatsServerStartException ex)
        {
            await lockFile.DisposeAsync();
            throw new CliException(ex.Message);
        }
        catch
        {
            await lockFile.DisposeAsync();
            throw;
        }

        return new EmbeddedNatsClaim(lockFile);
    }

    public void Dispose() => _lock.Dispose();
}

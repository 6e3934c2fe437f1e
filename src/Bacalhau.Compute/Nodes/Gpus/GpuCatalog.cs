using System.ComponentModel;
using System.Diagnostics;

namespace Bacalhau.Compute.Nodes.Gpus;

/// <summary>
/// The NVIDIA GPUs of this machine, asked of <c>nvidia-smi</c> once at start (before the node joins). Without the tool
/// the machine has none; a tool that fails or prints nonsense is logged and counts as none.
/// </summary>
public sealed partial class GpuCatalog(ILogger<GpuCatalog> logger) : IHostedService
{
    // Generous: the first call of nvidia-smi after boot loads the driver and can take seconds.
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);
    private const int MostOutputChars = 64 * 1024;

    public IReadOnlyList<GpuDevice> Devices { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(NvidiaSmiOutput.Command)
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in NvidiaSmiOutput.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(startInfo)!;
        }
        catch (Win32Exception)
        {
            LogNoTool(logger, NvidiaSmiOutput.Command);
            return;
        }

        using (process)
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(ProbeTimeout);
            try
            {
                var buffer = new char[MostOutputChars];
                var read = await process.StandardOutput.ReadBlockAsync(buffer, timeout.Token);
                await process.WaitForExitAsync(timeout.Token);
                Devices = process.ExitCode == 0 && read < MostOutputChars
                    ? NvidiaSmiOutput.Parse(new string(buffer, 0, read))
                    : throw new FormatException($"exit code {process.ExitCode}, {read} characters of output");
                LogFound(logger, Devices.Count);
            }
            catch (Exception ex) when (ex is FormatException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                LogFailed(logger, NvidiaSmiOutput.Command, ex.Message);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "No {Tool} on the PATH: this node has no NVIDIA GPUs")]
    private static partial void LogNoTool(ILogger logger, string tool);

    [LoggerMessage(Level = LogLevel.Information, Message = "NVIDIA GPUs found: {Count}")]
    private static partial void LogFound(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Tool} failed ({Reason}): this node offers no GPUs")]
    private static partial void LogFailed(ILogger logger, string tool, string reason);
}

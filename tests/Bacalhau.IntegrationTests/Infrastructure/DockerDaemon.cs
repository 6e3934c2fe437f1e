using System.Diagnostics;
using System.Formats.Tar;
using System.Runtime.InteropServices;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Bacalhau.IntegrationTests.Infrastructure;

/// <summary>
/// A private <c>dockerd</c> under a temporary directory, with no bridge network and nothing to pull from: the
/// images tests need are built from scratch around the static busybox binary and tagged as the specs name them.
/// Stopped by PID, its directory removed, when disposed.
/// </summary>
internal sealed partial class DockerDaemon : IAsyncDisposable
{
    public static readonly IReadOnlyList<string> ImageNames = ["busybox:1.37.0", "ubuntu:latest"];
    private const string StaticBusybox = "/bin/busybox";
    private const int DetachMount = 2;
    /// <summary>Generous: both take about a second, but far longer on a machine busy running other test suites.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly string _root;
    private readonly ChildProcess _process;
    private readonly DockerClientConfiguration _configuration;

    private DockerDaemon(string root, ChildProcess process)
    {
        _root = root;
        _process = process;
        _configuration = new DockerClientConfiguration(new Uri(Host));
        Client = _configuration.CreateClient();
    }

    /// <summary>The daemon's address, as <c>DOCKER_HOST</c> spells it.</summary>
    public string Host => $"unix://{Path.Combine(_root, "docker.sock")}";

    public DockerClient Client { get; }

    public static async Task<DockerDaemon> StartAsync()
    {
        // Short: a unix socket path must fit in about 100 characters.
        var root = Directory.CreateTempSubdirectory("bd-").FullName;
        ChildProcess process;
        try
        {
            process = ChildProcess.Start("dockerd",
            [
                "--data-root", Path.Combine(root, "data"),
                "--exec-root", Path.Combine(root, "exec"),
                "--pidfile", Path.Combine(root, "dockerd.pid"),
                "-H", $"unix://{Path.Combine(root, "docker.sock")}",
                "--bridge=none",
                "--iptables=false",
            ]);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Directory.Delete(root, recursive: true);
            throw new InvalidOperationException($"dockerd could not be started ({ex.Message}); install docker.io (scripts/prerequisites.sh does)", ex);
        }

        var daemon = new DockerDaemon(root, process);
        try
        {
            await daemon.WaitUntilAnsweringAsync();
            await daemon.BuildImagesAsync();
            return daemon;
        }
        catch
        {
            await daemon.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Containers still on the daemon, stopped ones too, once none is left or <paramref name="timeout"/> has passed: a
    /// compute node removes an exited container beside delivering its result, so a job can end just before.
    /// </summary>
    public async Task<IList<ContainerListResponse>> ContainersLeftAsync(TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var containers = await Client.Containers.ListContainersAsync(new ContainersListParameters { All = true });
            if (containers.Count == 0 || waited.Elapsed > timeout)
            {
                return containers;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        _configuration.Dispose();
        await _process.StopAsync(StopTimeout);
        await _process.DisposeAsync();
        // The daemon leaves a network namespace mounted under its exec root.
        foreach (var mount in MountsUnder(_root))
        {
            _ = Unmount(mount, DetachMount);
        }

        Directory.Delete(_root, recursive: true);
    }

    private async Task WaitUntilAnsweringAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"dockerd exited at start:\n{_process.Output}");
            }

            try
            {
                await Client.System.PingAsync(timeout.Token);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Not listening yet.
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"dockerd did not answer within {StartTimeout.TotalSeconds:F0} s:\n{_process.Output}");
            }
        }
    }

    private async Task BuildImagesAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var messages = new BuildMessages();
        try
        {
            await Client.Images.BuildImageFromDockerfileAsync(
                new ImageBuildParameters { Tags = [.. ImageNames], Remove = true, ForceRemove = true },
                BuildContext(),
                null,
                null,
                messages,
                timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"building the test image took longer than {StartTimeout.TotalSeconds:F0} s:\n{messages}");
        }

        foreach (var name in ImageNames)
        {
            try
            {
                await Client.Images.InspectImageAsync(name, timeout.Token);
            }
            catch (DockerImageNotFoundException)
            {
                throw new InvalidOperationException($"building the test image failed (is busybox-static installed?):\n{messages}");
            }
        }
    }

    /// <summary>A Dockerfile and the static busybox binary, as a tar.</summary>
    private static MemoryStream BuildContext()
    {
        var context = new MemoryStream();
        using (var tar = new TarWriter(context, TarEntryFormat.Pax, leaveOpen: true))
        {
            const string dockerfile = "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\nENV PATH=/bin\n";
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "Dockerfile") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(dockerfile)) });
            tar.WriteEntry(StaticBusybox, "busybox");
        }

        context.Position = 0;
        return context;
    }

    /// <summary>Mount points below <paramref name="root"/>, deepest first.</summary>
    private static List<string> MountsUnder(string root) =>
        [.. File.ReadLines("/proc/self/mountinfo")
            .Select(line => line.Split(' ')[4])
            .Where(mountPoint => mountPoint.StartsWith(root + "/", StringComparison.Ordinal))
            .OrderByDescending(mountPoint => mountPoint.Length)];

    [LibraryImport("libc", EntryPoint = "umount2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Unmount(string target, int flags);

    private sealed class BuildMessages : IProgress<JSONMessage>
    {
        private readonly StringBuilder _text = new();
        private readonly Lock _lock = new();

        public void Report(JSONMessage value)
        {
            lock (_lock)
            {
                _text.Append(value.Stream).Append(value.ErrorMessage).Append(value.Error?.Message);
            }
        }

        public override string ToString()
        {
            lock (_lock)
            {
                return _text.ToString();
            }
        }
    }
}

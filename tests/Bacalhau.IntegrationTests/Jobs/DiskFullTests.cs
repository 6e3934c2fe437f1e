using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.IntegrationTests.Jobs;

/// <summary>
/// The orchestrator's data directory on a 20 MB tmpfs that the test fills: submissions are refused clearly while the
/// disk is full, and every submission that was accepted completes once space returns.
/// </summary>
public sealed class DiskFullTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly string _root = Directory.CreateTempSubdirectory("bacalhau-diskfull-").FullName;
    private readonly string _token = Guid.NewGuid().ToString("N");
    private readonly List<IAsyncDisposable> _processes = [];
    private bool _mounted;

    private string DataDir => Path.Combine(_root, "orchestrator");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataDir);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", DataDir);
        _mounted = true;
    }

    public async Task DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            await process.DisposeAsync();
        }

        if (_mounted)
        {
            await RunAsync("umount", DataDir);
        }

        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Jobs_accepted_while_the_disk_is_full_all_complete_once_space_returns()
    {
        using var api = await StartClusterAsync();
        var accepted = new List<string> { await SubmitAsync(api) ?? throw new InvalidOperationException("the first job was refused") };

        // Fill the disk, then submit until the orchestrator can no longer record a job.
        var filler = Path.Combine(DataDir, "filler");
        Fill(filler);
        var refused = 0;
        var deadline = DateTime.UtcNow + Timeout;
        while (refused < 20)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no submission was refused ({accepted.Count} accepted)");
            if (await SubmitAsync(api) is { } jobId)
            {
                accepted.Add(jobId);
            }
            else
            {
                refused++;
            }
        }

        File.Delete(filler);
        for (var i = 0; i < 10; i++)
        {
            accepted.Add(await Eventually.WaitAsync(() => SubmitAsync(api), Timeout, "a submission to be accepted once space returned"));
        }

        foreach (var jobId in accepted)
        {
            await Eventually.WaitAsync(
                async () =>
                {
                    var job = (await api.GetFromJsonAsync($"/api/v1/orchestrator/jobs/{jobId}", BacalhauJsonContext.Default.GetJobResponse))!.Job;
                    Assert.False(job.State.StateType.IsTerminal() && job.State.StateType != JobStateType.Completed, $"job {jobId} ended {job.State.StateType}: {job.State.Message}");
                    return job.State.StateType == JobStateType.Completed ? job : null;
                },
                Timeout,
                $"accepted job {jobId} to complete ({accepted.Count} accepted, {refused} refused)");
        }
    }

    /// <summary>The job's ID when accepted; null when refused, which must be a 507 or 503 with a message.</summary>
    private static async Task<string?> SubmitAsync(HttpClient api)
    {
        using var response = await api.PutAsJsonAsync("/api/v1/orchestrator/jobs", new PutJobRequest { Job = JobLifecycleTests.NoopJob(JobTypes.Batch, count: 1) }, BacalhauJsonContext.Default.PutJobRequest);
        var body = await response.Content.ReadAsStringAsync();
        if (response.IsSuccessStatusCode)
        {
            return JsonSerializer.Deserialize(body, BacalhauJsonContext.Default.PutJobResponse)!.JobID;
        }

        Assert.True(response.StatusCode is HttpStatusCode.InsufficientStorage or HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: '{body}'");
        var error = JsonSerializer.Deserialize(body, BacalhauJsonContext.Default.ApiError)!;
        Assert.Equal((int)response.StatusCode, error.Status);
        Assert.Contains(response.StatusCode == HttpStatusCode.InsufficientStorage ? "disk is full" : "could not record", error.Message, StringComparison.Ordinal);
        return null;
    }

    /// <summary>Writes <paramref name="path"/> until the file system has no space left.</summary>
    private static void Fill(string path)
    {
        var chunk = new byte[64 * 1024];
        using var file = File.Create(path);
        try
        {
            while (true)
            {
                file.Write(chunk);
                file.Flush();
            }
        }
        catch (IOException)
        {
            // Full.
        }
    }

    /// <summary>A private nats-server, an orchestrator on the tmpfs and one compute node; returns the API client once the node is connected.</summary>
    private async Task<HttpClient> StartClusterAsync()
    {
        var (natsPort, apiPort) = (FreePort(), FreePort());
        var nats = ChildProcess.Start("nats-server", ["-a", "127.0.0.1", "-p", $"{natsPort}", "--jetstream", "--store_dir", Path.Combine(_root, "nats"), "--auth", _token]);
        _processes.Add(nats);
        var natsUrl = $"nats://127.0.0.1:{natsPort}";
        var orchestrator = ChildProcess.Start("dotnet", [RepositoryPaths.OrchestratorAssembly], new Dictionary<string, string>
        {
            ["ConnectionStrings__nats"] = natsUrl,
            ["Orchestrator__Auth__Token"] = _token,
            ["BACALHAU_DIR"] = DataDir,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{apiPort}",
            ["DOTNET_ENVIRONMENT"] = "Development",
        });
        _processes.Add(orchestrator);
        // This nats-server takes the token alone (what is tested here is the orchestrator's disk), so the node presents it.
        var compute = ComputeNodeProcess.Start(
            natsUrl, _token, Path.Combine(_root, "compute"), TimeSpan.FromMilliseconds(500), new Dictionary<string, string> { ["Compute__Auth__Enroll"] = "false" });
        _processes.Add(compute);

        var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
        await Eventually.WaitAsync(
            async () =>
            {
                try
                {
                    var nodes = await api.GetFromJsonAsync("/api/v1/orchestrator/nodes", BacalhauJsonContext.Default.ListNodesResponse);
                    return nodes?.Nodes.FirstOrDefault(n => n.Info.NodeType == NodeType.Compute && n.ConnectionState.Status == NodeConnectionStatus.Connected);
                }
                catch (HttpRequestException)
                {
                    Assert.False(orchestrator.HasExited, $"the orchestrator exited:\n{orchestrator.Output}");
                    return null;
                }
            },
            Timeout,
            "a compute node connected to the orchestrator");
        return api;
    }

    private static async Task RunAsync(string command, params string[] arguments)
    {
        await using var process = ChildProcess.Start(command, arguments);
        Assert.True(await process.WaitForExitAsync(TimeSpan.FromMinutes(1)) == 0, $"{command} {string.Join(' ', arguments)} failed:\n{process.Output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using Bacalhau.Compute.Executions;
using Bacalhau.Compute.Nodes;
using Bacalhau.Contracts.Models.Jobs;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;

namespace Bacalhau.Compute.Executors.Docker;

/// <summary>
/// Runs a task as a container of the Docker daemon at <see cref="DockerOptions.Host"/> as <see cref="ContainerDefinition"/>
/// defines it: no network unless asked and accepted, limits always set, inputs mounted read-only and result paths
/// read-write. The container is always removed afterwards, whatever happened: once it has exited, beside the result's
/// delivery rather than before it, as an exited container holds nothing but its disk.
/// </summary>
internal sealed partial class DockerExecutor : IExecutor, IDisposable, IAsyncDisposable
{
    public static readonly ActivitySource ActivitySource = new("Bacalhau.Compute.Docker");

    /// <summary>Bounds clean-up calls made after the execution's own token has fired.</summary>
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(30);
    private const long SigKillExitCode = 128 + 9;
    private static readonly ContainerAttachParameters AttachOutput = new() { Stream = true, Stdout = true, Stderr = true };

    private readonly DockerOptions _options;
    private readonly JobAdmissionControlOptions _admission;
    private readonly ComputeIdentity _identity;
    private readonly ILogger<DockerExecutor> _logger;
    private readonly DockerClientConfiguration _configuration;
    private readonly DockerClient _client;
    private readonly ConcurrentDictionary<string, Task> _removals = new();

    public DockerExecutor(IOptions<DockerOptions> options, IOptions<JobAdmissionControlOptions> admission, ComputeIdentity identity, ILogger<DockerExecutor> logger)
    {
        _options = options.Value;
        _admission = admission.Value;
        _identity = identity;
        _logger = logger;
        _configuration = new DockerClientConfiguration(_options.ResolveHost());
        _client = _configuration.CreateClient();
    }

    public string Engine => EngineTypes.Docker;

    public async Task<bool> IsAvailableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.System.PingAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogUnavailable(_logger, _configuration.EndpointBaseUri, ex.Message);
            return false;
        }

        // The probe runs once at start, before this node takes any execution: the moment to remove what a crashed
        // previous run of this node left behind.
        await RemoveLeftoversAsync(cancellationToken);
        return true;
    }

    public async Task<RunCommandResult> RunAsync(ExecutionRequest request, CancellationToken cancellationToken)
    {
        var spec = DockerEngineSpec.From(request.Task.Engine);
        using var activity = ActivitySource.StartActivity("docker run");
        activity?.SetTag("bacalhau.execution.id", request.Execution.ID);
        activity?.SetTag("container.image.name", spec.Image);

        var started = Stopwatch.GetTimestamp();
        var container = await CreateAsync(ContainerDefinition.Create(request, spec, _identity.NodeId, _options, _admission.AcceptNetworkedJobs), cancellationToken);
        activity?.SetTag("container.id", container);
        RunCommandResult result;
        try
        {
            result = await RunContainerAsync(container, request, cancellationToken);
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);

            // Forced, and awaited: a container still running because the execution was cancelled or timed out is
            // killed before its room is given back.
            await RemoveAsync(container);
            throw;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        activity?.SetTag("process.exit.code", result.ExitCode);
        LogRan(_logger, request.Execution.ID, container, result.ExitCode, elapsed.TotalMilliseconds);
        RemoveExited(container);
        return result;
    }

    /// <summary>Waits for the removals still under way, then lets the daemon's client go.</summary>
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_removals.Values);
        Dispose();
    }

    public void Dispose()
    {
        _client.Dispose();
        _configuration.Dispose();
    }

    /// <summary>Removes an exited container without holding up the result: a removal takes the daemon tens of milliseconds.</summary>
    private void RemoveExited(string container)
    {
        var removal = RemoveAsync(container);
        if (removal.IsCompleted)
        {
            return;
        }

        _removals[container] = removal;
        _ = removal.ContinueWith(_ => _removals.TryRemove(container, out Task? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// Creates the container, pulling its image only when the daemon answers that it has none: one call when the image
    /// is there, as <c>docker run</c>. The creation itself is not cancellable: a container created by a call given up on
    /// would be known to no one until the next sweep.
    /// </summary>
    private async Task<string> CreateAsync(CreateContainerParameters parameters, CancellationToken cancellationToken)
    {
        try
        {
            try
            {
                return (await _client.Containers.CreateContainerAsync(parameters, CancellationToken.None)).ID;
            }
            catch (DockerImageNotFoundException)
            {
                await ImagePuller.PullAsync(_client, parameters.Image, cancellationToken);
                return (await _client.Containers.CreateContainerAsync(parameters, CancellationToken.None)).ID;
            }
        }
        catch (DockerApiException ex)
        {
            throw new ExecutionFailedException($"the container could not be created: {DockerErrors.MessageOf(ex)}");
        }
    }

    private async Task<RunCommandResult> RunContainerAsync(string container, ExecutionRequest request, CancellationToken cancellationToken)
    {
        // Attached before the start, so no output is missed.
        using var stream = await _client.Containers.AttachContainerAsync(container, tty: false, AttachOutput, cancellationToken);
        request.CreateLogFiles();
        var output = new ContainerOutput(_options.MaxOutputBytes, request.StdoutPath, request.StderrPath);
        var reading = output.ReadAsync(stream, cancellationToken);
        try
        {
            await _client.Containers.StartContainerAsync(container, new ContainerStartParameters(), cancellationToken);
        }
        catch (DockerApiException ex)
        {
            throw new ExecutionFailedException($"the container could not start: {DockerErrors.MessageOf(ex)}");
        }

        var exit = await _client.Containers.WaitContainerAsync(container, cancellationToken);
        await reading;
        var result = new RunCommandResult
        {
            Stdout = output.Stdout,
            StdoutTruncated = output.StdoutTruncated,
            Stderr = output.Stderr,
            StderrTruncated = output.StderrTruncated,
            ExitCode = (int)exit.StatusCode,
        };
        // The kernel's OOM killer sends SIGKILL: only then is the container's state worth a call to the daemon.
        if (exit.StatusCode != SigKillExitCode || !(await _client.Containers.InspectContainerAsync(container, cancellationToken)).State.OOMKilled)
        {
            return result;
        }

        var message = $"the task exceeded its memory limit of {request.Execution.AllocatedResources.Memory} bytes and was killed (out of memory)";
        throw new ExecutionFailedException(message, result with { ErrorMsg = message, ExitCode = result.ExitCode == 0 ? 137 : result.ExitCode });
    }

    private async Task RemoveAsync(string container)
    {
        using var timeout = new CancellationTokenSource(CleanupTimeout);
        try
        {
            await _client.Containers.RemoveContainerAsync(container, new ContainerRemoveParameters { Force = true }, timeout.Token);
        }
        catch (DockerContainerNotFoundException)
        {
        }
        catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException or OperationCanceledException)
        {
            // Left for the sweep at the next start of this node.
            LogRemoveFailed(_logger, container, ex.Message);
        }
    }

    private async Task RemoveLeftoversAsync(CancellationToken cancellationToken)
    {
        var leftovers = await _client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool>
                {
                    [$"{DockerLabels.Managed}=true"] = true,
                    [$"{DockerLabels.NodeId}={_identity.NodeId}"] = true,
                },
            },
        }, cancellationToken);
        foreach (var leftover in leftovers)
        {
            var executionId = leftover.Labels.TryGetValue(DockerLabels.ExecutionId, out var id) ? id : "";
            LogLeftover(_logger, leftover.ID, executionId);
            await RemoveAsync(leftover.ID);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Docker daemon at {Host} is not available: {Error}")]
    private static partial void LogUnavailable(ILogger logger, Uri host, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Execution {ExecutionId} ran in container {ContainerId}: exit code {ExitCode} after {ElapsedMs:F0} ms")]
    private static partial void LogRan(ILogger logger, string executionId, string containerId, int exitCode, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove container {ContainerId}: {Error}")]
    private static partial void LogRemoveFailed(ILogger logger, string containerId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removing container {ContainerId} of execution {ExecutionId}, left behind by a previous run of this node")]
    private static partial void LogLeftover(ILogger logger, string containerId, string executionId);
}

using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Bacalhau.Core.Api;
using Bacalhau.Core.Models;
using Bacalhau.Core.Models.Jobs;
using Bacalhau.Core.Protocol;
using Bacalhau.Core.Serialization;

namespace Bacalhau.Client;

/// <summary>
/// Typed client of the orchestrator's REST API (<c>/api/v1/...</c>). Errors surface as
/// <see cref="BacalhauApiException"/> carrying the server's message, or <see cref="OrchestratorUnreachableException"/>.
/// </summary>
public sealed class BacalhauClient(HttpClient http)
{
    private const string Jobs = "api/v1/orchestrator/jobs";
    private const string Nodes = "api/v1/orchestrator/nodes";

    // How long one blocking query may wait on the server for a job to change.
    private const string FollowWait = "30s";
    private const string Agent = "api/v1/agent";

    private static readonly BacalhauJsonContext Json = BacalhauJsonContext.Default;

    /// <summary>
    /// A client of the orchestrator at <paramref name="baseAddress"/> (for example <c>http://127.0.0.1:1234</c>), with the
    /// credentials and trusted CA of <paramref name="options"/>.
    /// </summary>
    public static BacalhauClient Create(Uri baseAddress, TimeSpan? timeout = null, BacalhauClientOptions? options = null)
    {
        options ??= BacalhauClientOptions.Anonymous;
        var http = new HttpClient(ClientHandler.Create(options)) { BaseAddress = baseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = ClientHandler.Authorization(options);
        return new(http);
    }

    public Uri BaseAddress => http.BaseAddress ?? throw new InvalidOperationException("the HttpClient has no BaseAddress");

    // Agent

    public Task<IsAliveResponse> AliveAsync(CancellationToken cancellationToken = default) =>
        GetAsync($"{Agent}/alive", Json.IsAliveResponse, cancellationToken);

    public Task<BuildVersionInfo> VersionAsync(CancellationToken cancellationToken = default) =>
        GetAsync($"{Agent}/version", Json.BuildVersionInfo, cancellationToken);

    public Task<NodeInfo> AgentNodeAsync(CancellationToken cancellationToken = default) =>
        GetAsync($"{Agent}/node", Json.NodeInfo, cancellationToken);

    /// <summary>The orchestrator's effective settings (secrets redacted), as the document it serves.</summary>
    public Task<JsonElement> AgentConfigAsync(CancellationToken cancellationToken = default) =>
        GetAsync($"{Agent}/config", Json.JsonElement, cancellationToken);

    // Nodes

    public Task<ListNodesResponse> ListNodesAsync(CancellationToken cancellationToken = default) =>
        GetAsync(Nodes, Json.ListNodesResponse, cancellationToken);

    public Task<GetNodeResponse> GetNodeAsync(string nodeId, CancellationToken cancellationToken = default) =>
        GetAsync($"{Nodes}/{Escape(nodeId)}", Json.GetNodeResponse, cancellationToken);

    /// <summary>Approves, rejects or deletes a node (<paramref name="action"/>: approve, reject, delete).</summary>
    public Task<UpdateNodeResponse> UpdateNodeAsync(string nodeId, string action, string? message = null, CancellationToken cancellationToken = default) =>
        SendAsync(
            HttpMethod.Put,
            $"{Nodes}/{Escape(nodeId)}",
            JsonContent.Create(new UpdateNodeRequest { Action = action, Message = message }, Json.UpdateNodeRequest),
            Json.UpdateNodeResponse,
            cancellationToken);

    // Jobs

    /// <summary>
    /// Submits a job spec as JSON, unchanged: the orchestrator validates and normalises it, so clients need not
    /// know every field of every version of the spec.
    /// </summary>
    public Task<PutJobResponse> PutJobAsync(JsonElement job, bool force = false, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName(nameof(PutJobRequest.Job));
            job.WriteTo(writer);
            writer.WriteBoolean(nameof(PutJobRequest.Force), force);
            writer.WriteEndObject();
        }

        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new("application/json") { CharSet = Encoding.UTF8.WebName };
        return SendAsync(HttpMethod.Put, Jobs, content, Json.PutJobResponse, cancellationToken);
    }

    public Task<ListJobsResponse> ListJobsAsync(int? limit = null, string? nextToken = null, CancellationToken cancellationToken = default) =>
        GetAsync(Jobs + Query(("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("next_token", nextToken)), Json.ListJobsResponse, cancellationToken);

    /// <summary>A job, with <paramref name="include"/> naming extra parts to embed: <c>executions</c>, <c>history</c>.</summary>
    public Task<GetJobResponse> GetJobAsync(string jobId, IEnumerable<string>? include = null, CancellationToken cancellationToken = default)
    {
        var parts = include is null ? null : string.Join(',', include);
        return GetAsync($"{Jobs}/{Escape(jobId)}" + Query(("include", string.IsNullOrEmpty(parts) ? null : parts)), Json.GetJobResponse, cancellationToken);
    }

    /// <summary>
    /// The job now and then at each change until it is Completed, Failed or Stopped: blocking queries
    /// (<c>?index=&amp;wait=</c>) answer as soon as the job changes, so there is no polling interval to wait out.
    /// </summary>
    public async IAsyncEnumerable<Job> FollowJobAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var job = (await GetJobAsync(jobId, cancellationToken: cancellationToken)).Job;
        yield return job;
        while (!job.State.StateType.IsTerminal())
        {
            var query = Query(("index", job.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("wait", FollowWait));
            var next = (await GetAsync($"{Jobs}/{Escape(jobId)}" + query, Json.GetJobResponse, cancellationToken)).Job;
            if (next.Revision != job.Revision)
            {
                yield return next;
            }

            job = next;
        }
    }

    public Task<ListJobExecutionsResponse> ListExecutionsAsync(string jobId, CancellationToken cancellationToken = default) =>
        GetAsync($"{Jobs}/{Escape(jobId)}/executions", Json.ListJobExecutionsResponse, cancellationToken);

    public Task<ListJobHistoryResponse> ListHistoryAsync(string jobId, CancellationToken cancellationToken = default) =>
        GetAsync($"{Jobs}/{Escape(jobId)}/history", Json.ListJobHistoryResponse, cancellationToken);

    public Task<ListJobResultsResponse> ListResultsAsync(string jobId, CancellationToken cancellationToken = default) =>
        GetAsync($"{Jobs}/{Escape(jobId)}/results", Json.ListJobResultsResponse, cancellationToken);

    public Task<StopJobResponse> StopJobAsync(string jobId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"{Jobs}/{Escape(jobId)}" + Query(("reason", reason)), content: null, Json.StopJobResponse, cancellationToken);

    /// <summary>
    /// An execution's output lines (the job's latest execution unless <paramref name="executionId"/> names one), from the
    /// first line; with <paramref name="follow"/>, live until the execution ends.
    /// </summary>
    public async IAsyncEnumerable<ExecutionLogLine> StreamLogsAsync(
        string jobId,
        string? executionId = null,
        bool follow = false,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var path = $"{Jobs}/{Escape(jobId)}/logs" + Query(("execution_id", executionId), ("follow", follow ? "true" : null));
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException || ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            throw new OrchestratorUnreachableException(BaseAddress, ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await ApiErrorReader.ReadAsync(response, cancellationToken);
            }

            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
            string? eventName = null;
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    eventName = line["event: ".Length..];
                    if (eventName == "end")
                    {
                        yield break;
                    }
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    var data = line["data: ".Length..];
                    if (eventName == "error")
                    {
                        throw new BacalhauApiException($"logs of job {jobId}: {data}", response.StatusCode);
                    }

                    yield return JsonSerializer.Deserialize(data, Json.ExecutionLogLine)!;
                }
                else if (line.Length == 0)
                {
                    eventName = null;
                }
            }
        }
    }

    private Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, content: null, type, cancellationToken);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException || ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            throw new OrchestratorUnreachableException(BaseAddress, ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient reports its own timeout as a cancellation.
            throw new OrchestratorUnreachableException(BaseAddress, new TimeoutException($"no answer within {http.Timeout.TotalSeconds:F0} s", ex));
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await ApiErrorReader.ReadAsync(response, cancellationToken);
            }

            try
            {
                return await response.Content.ReadFromJsonAsync(type, cancellationToken)
                    ?? throw new BacalhauApiException($"{method} /{path}: empty answer", response.StatusCode);
            }
            catch (JsonException ex)
            {
                throw new BacalhauApiException($"{method} /{path}: unexpected answer ({ex.Message})", response.StatusCode);
            }
        }
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var pairs = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return pairs.Count == 0 ? "" : "?" + string.Join('&', pairs);
    }
}

using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.Client;

/// <summary>
/// Typed client of the orchestrator's REST API (<c>/api/v1/...</c>). Errors surface as
/// <see cref="BacalhauApiException"/> carrying the server's message, or <see cref="OrchestratorUnreachableException"/>.
/// </summary>
/// <remarks>
/// With <paramref name="timeout"/>, each request may take that long, and a blocking query that long on top of the time
/// it asks the server to wait: the client's own timeout never cuts a wait it asked for. Without it, the
/// <see cref="HttpClient"/>'s own timeout applies to every request.
/// </remarks>
public sealed class BacalhauClient(HttpClient http, TimeSpan? timeout = null)
{
    private const string Jobs = "api/v1/orchestrator/jobs";
    private const string Nodes = "api/v1/orchestrator/nodes";

    private const string Agent = "api/v1/agent";

    // How long one blocking query may wait on the server for a job to change.
    private static readonly TimeSpan FollowWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private static readonly BacalhauJsonContext Json = BacalhauJsonContext.Default;

    /// <summary>
    /// A client of the orchestrator at <paramref name="baseAddress"/> (for example <c>http://127.0.0.1:1234</c>), with the
    /// credentials and trusted CA of <paramref name="options"/>.
    /// </summary>
    public static BacalhauClient Create(Uri baseAddress, TimeSpan? timeout = null, BacalhauClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        options ??= BacalhauClientOptions.Anonymous;
        var handler = ClientHandler.Create(options);
        var http = new HttpClient(ClientHandler.Authorization(options) is { } authorization ? new OriginCredentialsHandler(baseAddress, authorization, handler) : handler)
        {
            BaseAddress = baseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        return new(http, timeout ?? DefaultTimeout);
    }

    public Uri BaseAddress => http.BaseAddress ?? throw new InvalidOperationException("the HttpClient has no BaseAddress");

    // Agent

    public Task<IsAliveResponse> AliveAsync(CancellationToken cancellationToken = default) =>
        GetAsync($"{Agent}/alive", Json.IsAliveResponse, cancellationToken);

    public Task<BuildVersionInfo> VersionAsync(CancellationToken cancellationToken = default) =>
        GetAsync($"{Agent}/version", Json.BuildVersionInfo, cancellationToken);

    /// <summary>The node's identity: its peer ID and the multiaddrs of its NATS server (<c>GET /api/v1/id</c>).</summary>
    public Task<NodeIdentityResponse> IdentityAsync(CancellationToken cancellationToken = default) =>
        GetAsync("api/v1/id", Json.NodeIdentityResponse, cancellationToken);

    public Task<NodeInfo> AgentNodeAsync(CancellationToken cancellationToken = default) =>
        GetAsync($"{Agent}/node", Json.NodeInfo, cancellationToken);

    /// <summary>The orchestrator's effective settings (secrets redacted), as the document it serves.</summary>
    public Task<JsonElement> AgentConfigAsync(CancellationToken cancellationToken = default) =>
        GetAsync($"{Agent}/config", Json.JsonElement, cancellationToken);

    // Nodes

    public Task<ListNodesResponse> ListNodesAsync(CancellationToken cancellationToken = default) =>
        ListNodesAsync(new NodeListQuery(), cancellationToken);

    public Task<ListNodesResponse> ListNodesAsync(NodeListQuery query, CancellationToken cancellationToken = default) =>
        GetAsync(Nodes + Query([.. query.Parameters()]), Json.ListNodesResponse, cancellationToken);

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
    public Task<PutJobResponse> PutJobAsync(JsonElement job, bool force = false, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, Jobs, JobBody(job, force), Json.PutJobResponse, cancellationToken);

    /// <summary>What submitting <paramref name="job"/> would change in the job of its name; nothing is submitted.</summary>
    public Task<DiffJobResponse> DiffJobAsync(JsonElement job, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, $"{Jobs}/diff", JobBody(job, force: null), Json.DiffJobResponse, cancellationToken);

    /// <summary>Runs a job (by ID or name) again as its next version, with the spec of <paramref name="version"/> (0: the latest).</summary>
    public Task<RerunJobResponse> RerunJobAsync(string jobId, ulong version = 0, string? reason = null, CancellationToken cancellationToken = default)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new RerunJobRequest { JobVersion = version, Reason = reason ?? "" }, Json.RerunJobRequest));
        content.Headers.ContentType = new("application/json") { CharSet = Encoding.UTF8.WebName };
        return SendAsync(HttpMethod.Put, $"{Jobs}/{Escape(jobId)}/rerun", content, Json.RerunJobResponse, cancellationToken);
    }

    /// <summary>The versions of a job (by ID or name), oldest first.</summary>
    public Task<ListJobVersionsResponse> ListJobVersionsAsync(string jobId, CancellationToken cancellationToken = default) =>
        GetAsync($"{Jobs}/{Escape(jobId)}/versions?limit=1000", Json.ListJobVersionsResponse, cancellationToken);

    /// <summary><c>{"Job": job, "Force": force}</c>, the job as it is, so that clients need not know every field of it.</summary>
    private static ByteArrayContent JobBody(JsonElement job, bool? force)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName(nameof(PutJobRequest.Job));
            job.WriteTo(writer);
            if (force is { } forced)
            {
                writer.WriteBoolean(nameof(PutJobRequest.Force), forced);
            }

            writer.WriteEndObject();
        }

        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new("application/json") { CharSet = Encoding.UTF8.WebName };
        return content;
    }

    public Task<ListJobsResponse> ListJobsAsync(int? limit = null, string? nextToken = null, CancellationToken cancellationToken = default) =>
        ListJobsAsync(new JobListQuery { Limit = limit, NextToken = nextToken }, cancellationToken);

    public Task<ListJobsResponse> ListJobsAsync(JobListQuery query, CancellationToken cancellationToken = default) =>
        GetAsync(Jobs + Query([.. query.Parameters()]), Json.ListJobsResponse, cancellationToken);

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
    public IAsyncEnumerable<Job> FollowJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        FollowJobAsync(jobId, afterRevision: 0, cancellationToken);

    /// <summary>
    /// The job at each change after <paramref name="afterRevision"/> until it is Completed, Failed or Stopped (0: the
    /// job now, then each change). A submitter passes <see cref="PutJobResponse.JobRevision"/>, and so saves a request.
    /// </summary>
    public async IAsyncEnumerable<Job> FollowJobAsync(string jobId, ulong afterRevision, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var revision = afterRevision;
        while (true)
        {
            var query = Query(("index", revision.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("wait", $"{FollowWait.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}s"));
            var job = (await SendAsync(HttpMethod.Get, $"{Jobs}/{Escape(jobId)}" + query, content: null, Json.GetJobResponse, cancellationToken, FollowWait)).Job;
            var terminal = job.State.StateType.IsTerminal();
            if (job.Revision != revision || terminal)
            {
                yield return job;
            }

            if (terminal)
            {
                yield break;
            }

            revision = job.Revision;
        }
    }

    public Task<ListJobExecutionsResponse> ListExecutionsAsync(string jobId, CancellationToken cancellationToken = default) =>
        ListExecutionsAsync(jobId, new ListQuery(), cancellationToken);

    public Task<ListJobExecutionsResponse> ListExecutionsAsync(string jobId, ListQuery query, CancellationToken cancellationToken = default) =>
        GetAsync($"{Jobs}/{Escape(jobId)}/executions" + Query([.. query.Parameters()]), Json.ListJobExecutionsResponse, cancellationToken);

    public Task<ListJobHistoryResponse> ListHistoryAsync(string jobId, CancellationToken cancellationToken = default) =>
        ListHistoryAsync(jobId, new HistoryQuery(), cancellationToken);

    public Task<ListJobHistoryResponse> ListHistoryAsync(string jobId, HistoryQuery query, CancellationToken cancellationToken = default) =>
        GetAsync($"{Jobs}/{Escape(jobId)}/history" + Query([.. query.Parameters()]), Json.ListJobHistoryResponse, cancellationToken);

    public Task<ListJobResultsResponse> ListResultsAsync(string jobId, CancellationToken cancellationToken = default) =>
        GetAsync($"{Jobs}/{Escape(jobId)}/results", Json.ListJobResultsResponse, cancellationToken);

    /// <summary>
    /// Copies what <paramref name="url"/> serves (absolute, or relative to the API) to <paramref name="destination"/>; an
    /// answer longer than <paramref name="maxBytes"/> is cut off with an <see cref="InvalidDataException"/>. Only the
    /// waiting for the answer to start is bounded by the client's timeout; the caller's token bounds the transfer.
    /// </summary>
    public async Task DownloadAsync(Uri url, Stream destination, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(destination);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        HttpResponseMessage response;
        using (var headers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            headers.CancelAfter(timeout ?? Timeout.InfiniteTimeSpan);
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headers.Token);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{Shown(url)}: no answer within {(timeout ?? http.Timeout).TotalSeconds:F0} s", ex);
            }
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await ApiErrorReader.ReadAsync(response, cancellationToken);
            }

            if (response.Content.Headers.ContentLength > maxBytes)
            {
                throw new InvalidDataException($"{Shown(url)}: {response.Content.Headers.ContentLength} bytes, more than the {maxBytes} a result may have");
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    throw new InvalidDataException($"{Shown(url)}: more than the {maxBytes} bytes a result may have");
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
    }

    public Task<StopJobResponse> StopJobAsync(string jobId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"{Jobs}/{Escape(jobId)}" + Query(("reason", reason)), content: null, Json.StopJobResponse, cancellationToken);

    /// <summary>
    /// An execution's output lines (the job's latest execution unless <paramref name="executionId"/> names one), from the
    /// first line, or from <paramref name="tail"/> lines before the end of each of stdout and stderr; with
    /// <paramref name="follow"/>, live until the execution ends.
    /// </summary>
    public async IAsyncEnumerable<ExecutionLogLine> StreamLogsAsync(
        string jobId,
        string? executionId = null,
        bool follow = false,
        int? tail = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var path = $"{Jobs}/{Escape(jobId)}/logs" + Query(
            ("execution_id", executionId),
            ("follow", follow ? "true" : null),
            ("tail", tail?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        HttpResponseMessage response;
        // The timeout bounds the wait for the answer to start, not the stream, which lasts as long as the execution.
        using (var headers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            headers.CancelAfter(timeout ?? Timeout.InfiniteTimeSpan);
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headers.Token);
            }
            catch (HttpRequestException ex) when (ex.InnerException is SocketException || ex.HttpRequestError == HttpRequestError.ConnectionError)
            {
                throw new OrchestratorUnreachableException(BaseAddress, ex);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw Unanswered(timeout ?? http.Timeout, ex);
            }
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

    // serverWait: how long the server is asked to hold this request (a blocking query); the timeout comes on top of it.
    private async Task<T> SendAsync<T>(
        HttpMethod method,
        string path,
        HttpContent? content,
        JsonTypeInfo<T> type,
        CancellationToken cancellationToken,
        TimeSpan serverWait = default)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var deadline = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline?.CancelAfter(timeout!.Value + serverWait);
        var token = deadline?.Token ?? cancellationToken;
        try
        {
            using var response = await http.SendAsync(request, token);
            if (!response.IsSuccessStatusCode)
            {
                throw await ApiErrorReader.ReadAsync(response, token);
            }

            try
            {
                return await response.Content.ReadFromJsonAsync(type, token)
                    ?? throw new BacalhauApiException($"{method} /{path}: empty answer", response.StatusCode);
            }
            catch (JsonException ex)
            {
                throw new BacalhauApiException($"{method} /{path}: unexpected answer ({ex.Message})", response.StatusCode);
            }
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException || ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            throw new OrchestratorUnreachableException(BaseAddress, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Our deadline, or the HttpClient's own timeout, both reported as a cancellation.
            throw Unanswered((timeout ?? http.Timeout) + serverWait, ex);
        }
    }

    private OrchestratorUnreachableException Unanswered(TimeSpan limit, Exception cancellation) =>
        new(BaseAddress, new TimeoutException($"no answer within {limit.TotalSeconds:F0} s", cancellation));

    // A URL as messages show it: never with credentials a result's URL might carry.
    private Uri Shown(Uri url) => new UriBuilder(url.IsAbsoluteUri ? url : new Uri(BaseAddress, url)) { UserName = "", Password = "" }.Uri;

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var pairs = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return pairs.Count == 0 ? "" : "?" + string.Join('&', pairs);
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Bacalhau.IntegrationTests.Infrastructure;

/// <summary>
/// A minimal OTLP/HTTP (protobuf) receiver on loopback: the services export their spans and metrics to it as they
/// would to the dashboard, and tests read which spans share a trace and what the meters counted.
/// </summary>
public sealed class OtlpCollector : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<CollectedSpan> _spans = new();
    private readonly ConcurrentDictionary<(string Instance, string Name, string Attributes), CollectedPoint> _latest = new();
    private readonly ConcurrentDictionary<string, int> _metricExports = new(StringComparer.Ordinal);
    private readonly Task _loop;

    public OtlpCollector()
    {
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>Every span received, in the order it arrived.</summary>
    public IReadOnlyCollection<CollectedSpan> Spans => _spans;

    /// <summary>How many metric exports arrived from instances of <paramref name="service"/>.</summary>
    public int MetricExports(string service) => _metricExports.GetValueOrDefault(service);

    /// <summary>
    /// The latest value of <paramref name="metric"/> (a histogram's count) summed over every instance and attribute set
    /// of <paramref name="service"/> whose attributes match: with cumulative export, what all those processes counted.
    /// </summary>
    public double Total(string service, string metric, Func<IReadOnlyDictionary<string, string>, bool>? where = null) =>
        _latest.Values.Where(p => p.Service == service && p.Name == metric && (where?.Invoke(p.Attributes) ?? true)).Sum(p => p.Value);

    /// <summary>The latest points of <paramref name="metric"/> from instances of <paramref name="service"/>.</summary>
    public IReadOnlyList<CollectedPoint> Points(string service, string metric) =>
        [.. _latest.Values.Where(p => p.Service == service && p.Name == metric)];

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (HttpListenerException)
        {
            // Stopped.
        }

        _listener.Close();
    }

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            switch (context.Request.Url?.AbsolutePath)
            {
                case "/v1/traces":
                    foreach (var span in OtlpProtobuf.ReadSpans(body.ToArray()))
                    {
                        _spans.Enqueue(span);
                    }

                    break;
                case "/v1/metrics":
                    Receive(OtlpProtobuf.ReadMetrics(body.ToArray()));
                    break;
            }

            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    /// <summary>Keeps only the newest point of each series: exports are cumulative, so it holds all that came before.</summary>
    private void Receive(IEnumerable<CollectedPoint> points)
    {
        var services = new HashSet<string>(StringComparer.Ordinal);
        foreach (var point in points)
        {
            services.Add(point.Service);
            var key = (point.Instance, point.Name, string.Join(',', point.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}")));
            _latest.AddOrUpdate(key, point, (_, old) => point.TimeUnixNano >= old.TimeUnixNano ? point : old);
        }

        foreach (var service in services)
        {
            _metricExports.AddOrUpdate(service, 1, (_, count) => count + 1);
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}

public sealed record CollectedSpan(string Service, string TraceId, string SpanId, string ParentSpanId, string Name, IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>The exporting process (<c>service.instance.id</c>): replicas share a service name.</summary>
    public string Instance { get; init; } = "";
}

/// <summary>One data point: a counter's or gauge's value, or a histogram's count (and <see cref="Sum"/>).</summary>
public sealed record CollectedPoint(string Service, string Instance, string Name, IReadOnlyDictionary<string, string> Attributes, double Value, long TimeUnixNano)
{
    public double Sum { get; init; }
}

using Bacalhau.ServiceDefaults.Memory;
using Bacalhau.ServiceDefaults.Tracing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using NATS.Client.OpenTelemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every Bacalhau.NET service shares: OpenTelemetry (exported over OTLP when an endpoint is configured,
/// as Aspire does), health endpoints, service discovery and resilient HTTP clients.
/// </summary>
public static class Extensions
{
    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";

    /// <summary>Activity sources of our own services; each hop of a job starts its spans from one of these.</summary>
    public const string ActivitySourcePrefix = "Bacalhau.";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<IdleMemoryTrimmer>();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNatsClientInstrumentation()
                .AddMeter(ActivitySourcePrefix + "*"));

        // Spans are recorded only when there is somewhere to send them: recording every hop of every job for no
        // reader costs the job path a share of its time (the benchmark runs this way).
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(ActivitySourcePrefix + "*")
                .AddAspNetCoreInstrumentation(aspnet =>
                    // Health probes would drown the job traces in the dashboard.
                    aspnet.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath, StringComparison.Ordinal)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath, StringComparison.Ordinal))
                .AddHttpClientInstrumentation()
                .AddNatsClientInstrumentation(nats =>
                {
                    nats.Filter = ContinuesATrace;
                    nats.Enrich = (activity, context) => JobSpanTags.EnrichNatsSpan(activity, context.Headers);
                })
                .AddProcessor<JobSpanTags>())
                .UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// A NATS span is kept only where it continues a trace: a publish, request or receive outside any span (heartbeats,
    /// their replies, other periodic chatter) would each start a trace of its own and bury the jobs' traces. Delivery
    /// acknowledgements flow all the time too, inside the spans of the messages they acknowledge.
    /// </summary>
    private static bool ContinuesATrace(NATS.Client.Core.NatsInstrumentationContext context) =>
        !context.Subject.Contains(".acks.", StringComparison.Ordinal)
        && (context.ParentContext is { } parent && parent != default
            // A send (no body size yet) continues the current span, if any; a receive only the trace its message names.
            || context.BodySize is null && System.Diagnostics.Activity.Current is not null);

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// <c>/health</c>: ready when every check passes (NATS included); <c>/alive</c>: the process answers.
    /// Both are mapped in every environment because the cluster's health model relies on them.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Open to anyone, also where the API requires credentials: probes and load balancers hold none.
        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions { ResponseWriter = WriteHealthAsync }).AllowAnonymous();
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains("live"),
        }).AllowAnonymous();
        return app;
    }

    /// <summary>The status, then why each failing check fails (a node refused by its orchestrator says so here).</summary>
    private static Task WriteHealthAsync(Microsoft.AspNetCore.Http.HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        var reasons = report.Entries
            .Where(entry => entry.Value.Status != HealthStatus.Healthy)
            .Select(entry => $"\n{entry.Key}: {entry.Value.Description ?? entry.Value.Exception?.Message ?? entry.Value.Status.ToString()}");
        return Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(context.Response, report.Status + string.Concat(reasons), context.RequestAborted);
    }
}

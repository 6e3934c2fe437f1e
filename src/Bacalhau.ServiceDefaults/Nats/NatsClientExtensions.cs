using Bacalhau.ServiceDefaults.Nats;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Our equivalent of Aspire's NATS client integration: one <see cref="NatsConnection"/> per process, its address
/// from the connection string <c>ConnectionStrings:{name}</c> (or the <c>Nats</c> section), an auth token (or the
/// credentials of a registered <see cref="INatsCredentials"/>),
/// a health check that pings the server, and NATS.Net's own tracing and metrics (wired in ServiceDefaults).
/// Calling it again in the same host returns the settings of the first call and registers nothing more.
/// </summary>
public static class NatsClientExtensions
{
    public static NatsClientSettings AddNatsClient(
        this IHostApplicationBuilder builder,
        string connectionName = "nats",
        Action<NatsClientSettings>? configureSettings = null)
    {
        // One connection per process: when an orchestrator and a compute node share a host (`bacalhau serve
        // --orchestrator --compute`), the first registration wins and the second reuses it.
        if (builder.Services.FirstOrDefault(d => d.ServiceType == typeof(NatsClientSettings))?.ImplementationInstance is NatsClientSettings registered)
        {
            return registered;
        }

        var settings = new NatsClientSettings();
        builder.Configuration.GetSection("Nats").Bind(settings);
        if (builder.Configuration.GetConnectionString(connectionName) is { Length: > 0 } connectionString)
        {
            settings.Url = connectionString;
        }

        configureSettings?.Invoke(settings);
        settings.ClientName ??= builder.Environment.ApplicationName;

        var (url, tokenInUrl) = NatsServerAddresses.Parse([settings.Url ?? $"nats://127.0.0.1:{NatsServerAddresses.DefaultPort}"]);
        var token = tokenInUrl ?? settings.Token;

        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(services => new NatsConnection(new NatsOpts
        {
            Url = url,
            Name = settings.ClientName,
            AuthOpts = services.GetService<INatsCredentials>() is { } credentials
                ? NatsAuthOpts.Default with { AuthCredCallback = credentials.GetAsync }
                : string.IsNullOrEmpty(token) ? NatsAuthOpts.Default : NatsAuthOpts.Default with { Token = token },
            TlsOpts = settings.TlsOpts(),
            InboxPrefix = services.GetService<INatsCredentials>()?.InboxPrefix ?? settings.InboxPrefix ?? NatsOpts.Default.InboxPrefix,
            ConnectTimeout = settings.ConnectTimeout,
            LoggerFactory = services.GetRequiredService<ILoggerFactory>(),
            // Bacalhau nodes reconnect forever: an orchestrator restart must not strand its compute nodes.
            MaxReconnectRetry = -1,
            ReconnectWaitMin = TimeSpan.FromMilliseconds(200),
            ReconnectWaitMax = TimeSpan.FromSeconds(5),
        }));
        builder.Services.AddSingleton<INatsConnection>(services => services.GetRequiredService<NatsConnection>());

        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddHealthChecks().AddCheck<NatsHealthCheck>("nats", tags: ["ready"]);
        }

        return settings;
    }
}

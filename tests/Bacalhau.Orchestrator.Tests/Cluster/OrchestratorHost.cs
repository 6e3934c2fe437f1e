using System.Net;
using System.Net.Sockets;
using Bacalhau.NatsHosting.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Bacalhau.Orchestrator.Api;
using Bacalhau.Orchestrator.Auth;

namespace Bacalhau.Orchestrator.Tests.Cluster;

/// <summary>
/// A whole orchestrator as its service's Program.cs builds it (service defaults, API auth, the REST API), on a free
/// loopback port, connected to a real nats-server; a test may change its services before it is built and map more
/// routes.
/// </summary>
public sealed class OrchestratorHost : IAsyncDisposable
{
    public const string Token = "the-orchestrators-shared-token";

    private readonly WebApplication _app;

    private OrchestratorHost(WebApplication app, string dataDir)
    {
        _app = app;
        DataDir = dataDir;
        Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    public string DataDir { get; }

    /// <summary>The REST API's base URL (<c>http://127.0.0.1:port</c>).</summary>
    public string Url { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<OrchestratorHost> StartAsync(
        NatsServerConfig nats,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configure = null,
        Action<WebApplication>? map = null)
    {
        var dataDir = Directory.CreateTempSubdirectory("bacalhau-orchestrator-host-").FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = dataDir });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataDir"] = dataDir,
            ["ConnectionStrings:nats"] = nats.ClientUrl,
            ["Orchestrator:Auth:Token"] = Token,
            ["Orchestrator:Auth:NatsAccountSeedFile"] = nats.AccountSeedFile,
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults();
        builder.AddOrchestrator();
        configure?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseApiErrors();
        app.UseApiAuth();
        app.MapDefaultEndpoints();
        app.MapOrchestratorApi();
        map?.Invoke(app);
        try
        {
            await app.StartAsync().WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch
        {
            await app.DisposeAsync();
            Directory.Delete(dataDir, recursive: true);
            throw;
        }

        return new OrchestratorHost(app, dataDir);
    }

    /// <summary>An HTTP client whose connections come from <paramref name="source"/> (any 127.x.y.z is this machine).</summary>
    public static HttpClient ClientFrom(string baseUrl, IPAddress source) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        BaseAddress = new Uri(baseUrl),
        Timeout = TimeSpan.FromMinutes(2),
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromMinutes(1));
        await _app.DisposeAsync();
        Directory.Delete(DataDir, recursive: true);
    }
}

using Bacalhau.NatsHosting.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Bacalhau.Orchestrator.Tests.Cluster;

/// <summary>
/// A real nats-server and one orchestrator that asks for credentials from this host too, with an HTTP client of its
/// API; a derived fixture adds settings, changes services or maps more routes.
/// </summary>
public abstract class SecuredOrchestratorBed : IAsyncLifetime
{
    private readonly string _natsDir = Directory.CreateTempSubdirectory("bacalhau-orchestrator-nats-").FullName;
    private NatsServerProcess? _nats;

    public OrchestratorHost Host { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        var executable = NatsServerBinary.Find() ?? throw new InvalidOperationException(NatsServerBinary.MissingMessage);
        var config = NatsServerConfig.Write(Path.Combine(_natsDir, "keys"), OrchestratorHost.Token, "127.0.0.1", ForwardingBed.FreePort(), Path.Combine(_natsDir, "store"));
        _nats = await NatsServerProcess.StartAsync(executable, config);
        var settings = new Dictionary<string, string?>(Settings) { ["API:Auth:AllowAnonymousLoopback"] = "false" };
        Host = await OrchestratorHost.StartAsync(config, settings, Configure, Map);
        Http = new HttpClient { BaseAddress = new Uri(Host.Url), Timeout = TimeSpan.FromMinutes(2) };
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        if (_nats is not null)
        {
            await _nats.DisposeAsync();
        }

        Directory.Delete(_natsDir, recursive: true);
    }

    protected virtual void Configure(IServiceCollection services)
    {
    }

    protected virtual void Map(WebApplication app)
    {
    }
}

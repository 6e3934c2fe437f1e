using System.Net;
using System.Net.Sockets;
using Bacalhau.NatsHosting.Server;
using Bacalhau.Orchestrator.Cluster;
using Bacalhau.Orchestrator.Jobs;
using Bacalhau.Orchestrator.Metrics;
using Bacalhau.Orchestrator.Nodes;
using Bacalhau.Orchestrator.Scheduling;
using Bacalhau.Orchestrator.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Bacalhau.Orchestrator.Tests.Cluster;

/// <summary>
/// One real nats-server, a leader (a lone orchestrator) and a follower of it. The follower runs without the services
/// only a leader runs: resolving one records it and throws, so a test sees any that its request reached.
/// </summary>
public sealed class ForwardingBed : IAsyncLifetime
{
    public const string StreamPath = "/api/v1/orchestrator/test/stream";
    public const string ClientPath = "/api/v1/orchestrator/test/client";

    /// <summary>A key the follower accepts and the leader does not know.</summary>
    public const string FollowerOnlyKey = "a-key-only-the-follower-knows";

    private static readonly Type[] LeaderServices = [typeof(JobCoordinator), typeof(NodeRegistry), typeof(ComputeChannel), typeof(JobScheduler), typeof(OrchestratorMetrics)];
    private static readonly Type[] LeaderBackground = [typeof(NodeHealthMonitor), typeof(ControlPlaneResponder), typeof(ComputeMessaging), typeof(JobMaintenance)];

    private readonly string _natsDir = Directory.CreateTempSubdirectory("bacalhau-forwarding-nats-").FullName;
    private readonly List<Type> _resolved = [];
    private readonly List<OrchestratorHost> _hosts = [];
    private NatsServerProcess? _nats;

    public OrchestratorHost Leader { get; private set; } = null!;

    public OrchestratorHost Follower { get; private set; } = null!;

    /// <summary>The leader's stream writes its first event, then waits for this before its second.</summary>
    public TaskCompletionSource ReleaseStream { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Leader-only services a follower resolved.</summary>
    public IReadOnlyList<Type> ResolvedOnFollowers
    {
        get
        {
            lock (_resolved)
            {
                return [.. _resolved];
            }
        }
    }

    public async Task InitializeAsync()
    {
        var executable = NatsServerBinary.Find() ?? throw new InvalidOperationException(NatsServerBinary.MissingMessage);
        var config = NatsServerConfig.Write(Path.Combine(_natsDir, "keys"), OrchestratorHost.Token, "127.0.0.1", FreePort(), Path.Combine(_natsDir, "store"));
        _nats = await NatsServerProcess.StartAsync(executable, config);

        Leader = Track(await OrchestratorHost.StartAsync(
            config,
            new Dictionary<string, string?> { ["API:Auth:FailedAttemptsPerMinute"] = "1" },
            map: app => MapTestRoutes(app, StreamOnLeaderAsync, http => http.Connection.RemoteIpAddress?.ToString())));
        Follower = await StartFollowerAsync(new LeaderInfo(Leader.Services.GetRequiredService<IClusterLeadership>().Leader!.NodeId, Leader.Url, 1));
    }

    /// <summary>A follower of <paramref name="leader"/> (none: no leader elected); the bed stops it.</summary>
    public async Task<OrchestratorHost> StartFollowerAsync(LeaderInfo? leader) => Track(await OrchestratorHost.StartAsync(
        _nats!.Config,
        new Dictionary<string, string?>
        {
            ["API:Auth:Users:0:Alias"] = "follower-only",
            ["API:Auth:Users:0:APIKey"] = FollowerOnlyKey,
            ["API:Auth:Users:0:Capabilities:0:Actions:0"] = "*",
        },
        services => AsFollower(services, leader),
        app => MapTestRoutes(app, _ => throw NotTheLeaders(), _ => throw NotTheLeaders())));

    public async Task DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            await host.DisposeAsync();
        }

        if (_nats is not null)
        {
            await _nats.DisposeAsync();
        }

        Directory.Delete(_natsDir, recursive: true);
    }

    private OrchestratorHost Track(OrchestratorHost host)
    {
        _hosts.Add(host);
        return host;
    }

    private void AsFollower(IServiceCollection services, LeaderInfo? leader)
    {
        services.AddSingleton<IClusterLeadership>(new FollowerLeadership(leader));
        foreach (var background in services.Where(d => d.ServiceType == typeof(IHostedService) && LeaderBackground.Contains(d.ImplementationType)).ToList())
        {
            services.Remove(background);
        }

        foreach (var type in LeaderServices)
        {
            services.RemoveAll(type);
            services.AddSingleton(type, _ =>
            {
                lock (_resolved)
                {
                    _resolved.Add(type);
                }

                throw new InvalidOperationException($"{type.Name} is the leader's: a follower must not resolve it");
            });
        }
    }

    /// <summary>Routes of the leader's only these tests use: a stream written in two steps, and the client as the leader sees it.</summary>
    private static void MapTestRoutes(WebApplication app, Func<HttpContext, Task> stream, Func<HttpContext, string?> client)
    {
        app.MapGet(StreamPath, stream).LeaderOnly();
        app.MapGet(ClientPath, client).LeaderOnly();
    }

    private static InvalidOperationException NotTheLeaders() => new("a follower answered a leader's route");

    private async Task StreamOnLeaderAsync(HttpContext http)
    {
        http.Response.ContentType = "text/event-stream";
        await http.Response.WriteAsync("data: first\n\n");
        await http.Response.Body.FlushAsync();
        await ReleaseStream.Task.WaitAsync(TimeSpan.FromMinutes(2));
        await http.Response.WriteAsync("data: second\n\n");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

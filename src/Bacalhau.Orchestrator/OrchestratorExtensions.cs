using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Identity;
using Bacalhau.Identity.Nodes;
using Bacalhau.Messaging.Content;
using Bacalhau.NatsHosting;
using Bacalhau.Orchestrator.Api;
using Bacalhau.Orchestrator.Auth;
using Bacalhau.Orchestrator.Cluster;
using Bacalhau.Orchestrator.Cluster.Leadership;
using Bacalhau.Orchestrator.Jobs;
using Bacalhau.Orchestrator.Metrics;
using Bacalhau.Orchestrator.Nodes;
using Bacalhau.Orchestrator.PublishedResults;
using Bacalhau.Orchestrator.OpenApi;
using Bacalhau.Orchestrator.Scheduling;
using Bacalhau.Orchestrator.Storage;
using Bacalhau.Orchestrator.Transport;
using Bacalhau.Orchestrator.WebUi;
using Bacalhau.ServiceDefaults.Nats;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace Bacalhau.Orchestrator;

public static class OrchestratorExtensions
{
    /// <summary>Registers everything an orchestrator runs; the service's Program.cs and <c>bacalhau serve</c> share it.</summary>
    public static IHostApplicationBuilder AddOrchestrator(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(OrchestratorOptions.SectionName);
        var replicated = builder.Configuration.GetSection(ClusterOptions.SectionName).GetSection(nameof(ClusterOptions.Peers)).GetChildren().Any();
        AddOptions(builder.Services);

        builder.AddNatsClient("nats", settings => settings.Token ??= section["Auth:Token"]);

        builder.Services.TryAddSingleton(services => new NodeIdentityResolver(key => services.GetRequiredService<IConfiguration>()[key]));
        builder.Services.AddSingleton(services =>
        {
            var node = services.GetRequiredService<NodeIdentityResolver>().Resolve("orchestrator", claimReplicaSlot: false);
            var labels = services.GetRequiredService<IConfiguration>().GetSection("Labels").Get<Dictionary<string, string>>() ?? [];
            return new OrchestratorIdentity(node.NodeId, node.DataDir, NodeLabels.With(labels), node.Key);
        });
        if (section["Auth:NatsAccountSeedFile"] is { Length: > 0 } accountSeedFile)
        {
            // Operator mode: this process connects as a user it signs, and issues compute nodes theirs.
            builder.Services.AddSingleton(_ => NatsAccountSigner.Load(accountSeedFile));
            builder.Services.TryAddSingleton<INatsCredentials, OrchestratorNatsCredentials>();
            builder.Services.AddSingleton(services => new NodeKeyBindings(Path.Combine(services.GetRequiredService<OrchestratorIdentity>().DataDir, "node-keys.db")));
            // In a cluster the leader enrolls; the key bindings it keeps are its own (not yet in the replicated log).
            AddLeaderService<NodeEnrollmentResponder>(builder.Services, replicated);
        }

        builder.AddApiAuth();
        AddApiLimits(builder);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<NodeRegistry>();
        AddLeaderService<NodeHealthMonitor>(builder.Services, replicated);
        AddLeaderService<ControlPlaneResponder>(builder.Services, replicated);

        if (replicated)
        {
            builder.Services.AddSingleton(OpenStore);
            builder.Services.AddSingleton<IJobStore>(services => services.GetRequiredService<SqliteJobStore>());
            builder.Services.AddSingleton<ClusterMetrics>();
            builder.Services.AddSingleton<ReplicatedLeadership>();
            if (section["Auth:NatsAccountSeedFile"] is { Length: > 0 } seedFile)
            {
                AddMetaLeaderPlacement(builder.Services, seedFile);
            }

            builder.Services.AddSingleton<IClusterLeadership>(services => services.GetRequiredService<ReplicatedLeadership>());
            builder.Services.AddHostedService(services => services.GetRequiredService<ReplicatedLeadership>());
        }
        else
        {
            builder.Services.AddSingleton<IJobStore>(OpenStore);
        }

        builder.Services.AddSingleton<ComputeChannel>();
        builder.Services.AddSingleton<JobScheduler>();
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<OrchestratorMetrics>();
        builder.Services.AddSingleton<JobCoordinator>();
        AddLeaderService<ComputeMessaging>(builder.Services, replicated);
        AddLeaderService<JobMaintenance>(builder.Services, replicated);
        // In a cluster the bucket lives on as many servers as it can (up to three), so a result outlives a server too.
        builder.Services.TryAddSingleton(services => new ContentStore(
            services.GetRequiredService<INatsConnection>(),
            ContentStore.ReplicasFor(services.GetRequiredService<IConfiguration>().GetSection(ClusterOptions.SectionName).Get<ClusterOptions>()?.Orchestrators ?? 1)));
        builder.Services.AddClusterForwarding();
        builder.Services.AddPublishedResults();

        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            // Bacalhau's API speaks PascalCase and leaves unset fields out.
            json.SerializerOptions.PropertyNamingPolicy = null;
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, BacalhauJsonContext.Default);
        });
        builder.Services.AddApiReference();
        return builder;
    }

    public static WebApplication MapOrchestratorApi(this WebApplication app)
    {
        app.UseLeaderForwarding();
        // Logs stream over WebSocket as Bacalhau's clients read them; pings find a client that vanished without closing.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30), KeepAliveTimeout = TimeSpan.FromSeconds(30) });
        // Ahead of the endpoints, whose submission routes name a rate-limit policy.
        app.UseRateLimiter();
        var api = app.MapGroup("").AddEndpointFilter(StorageFailures.FilterAsync).ProducesApiErrors(StatusCodes.Status503ServiceUnavailable);
        api.MapNodeEndpoints();
        api.MapJobEndpoints();
        api.MapResultEndpoints();
        api.MapRunEndpoints();
        api.MapContentEndpoints();
        api.MapLogEndpoints();
        api.MapAgentEndpoints();
        api.MapOverviewEndpoints();
        app.MapRemovedEndpoints();
        app.MapWebUi();
        app.MapApiReference();
        return app;
    }

    private static SqliteJobStore OpenStore(IServiceProvider services)
    {
        var identity = services.GetRequiredService<OrchestratorIdentity>();
        return new SqliteJobStore(Path.Combine(identity.DataDir, "state.db"), identity.NodeId);
    }

    /// <summary>With the system account's key beside the account's, a new leader may move JetStream's meta leader off its server.</summary>
    private static void AddMetaLeaderPlacement(IServiceCollection services, string accountSeedFile) =>
        services.AddSingleton(services =>
        {
            using var system = NatsAccountSigner.LoadSystemBeside(accountSeedFile);
            return new MetaLeaderPlacement(
                system?.ServiceUser("bacalhau-orchestrator-system"),
                services.GetRequiredService<INatsConnection>(),
                services.GetRequiredService<TimeProvider>(),
                services.GetRequiredService<ILogger<MetaLeaderPlacement>>());
        });

    /// <summary>
    /// A service only the leader runs: alone, a hosted service as any other; in a replicated cluster, started by
    /// <see cref="ReplicatedLeadership"/> when this orchestrator takes the lead.
    /// </summary>
    // The container builds T from its constructor: the native CLI must keep it.
    private static void AddLeaderService<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(IServiceCollection services, bool replicated)
        where T : class, IHostedService
    {
        if (!replicated)
        {
            services.AddHostedService<T>();
            return;
        }

        services.AddSingleton<T>();
        services.AddSingleton(new LeaderService(provider => provider.GetRequiredService<T>()));
    }

    /// <summary>The orchestrator's sections, bound and checked when the host starts: a bad value stops it naming the key.</summary>
    private static void AddOptions(IServiceCollection services)
    {
        services.AddOptions<OrchestratorOptions>().BindConfiguration(OrchestratorOptions.SectionName).ValidateOnStart();
        services.AddOptions<NodeManagerOptions>().BindConfiguration(NodeManagerOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NodeManagerOptions>, NodeManagerOptionsValidation>();
        services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.SectionName).ValidateOnStart();
        services.AddOptions<Jobs.JobDefaultsOptions>().BindConfiguration(Jobs.JobDefaultsOptions.SectionName);
        services.AddSingleton<IValidateOptions<SchedulerOptions>, SchedulerOptionsValidation>();
        services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClusterOptions>, ClusterOptionsValidation>();
        services.AddOptions<WebUiOptions>().BindConfiguration(WebUiOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebUiOptions>, WebUiOptionsValidation>();
    }

    /// <summary>What one client may send: the body size (Kestrel's limit), submissions per second, and the checks before a job is queued.</summary>
    private static void AddApiLimits(IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiLimitsOptions>().BindConfiguration(ApiLimitsOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ApiLimitsOptions>, ApiLimitsOptionsValidation>();
        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<ApiLimitsOptions>>((kestrel, api) => kestrel.Limits.MaxRequestBodySize = api.Value.MaxRequestBodySize);
        builder.Services.AddSubmissionRateLimit();
        builder.Services.AddSingleton<JobSubmissions>();
        builder.Services.AddSingleton<RequestBodyReader>();
    }
}

/// <summary>Who this orchestrator is: its persisted node ID, data directory, labels and node key.</summary>
public sealed record OrchestratorIdentity(string NodeId, string DataDir, IReadOnlyDictionary<string, string> Labels, NodeKey Key)
{
    /// <summary>The node's identity; <paramref name="nats"/> gives the addresses compute nodes reach it at.</summary>
    public NodeIdentityResponse Describe(NatsClientSettings nats) => new()
    {
        ID = NodeId,
        PeerID = Key.PeerId.Text,
        PublicKey = Convert.ToBase64String(Key.PublicKey),
        Addresses = OrchestratorAddresses.Of(nats.Url, Key.PeerId),
    };

    /// <summary>The node's info; <paramref name="clusterRole"/> is its role among the orchestrators (leader, follower).</summary>
    public NodeInfo ToNodeInfo(NatsClientSettings nats, string clusterRole)
    {
        var identity = Describe(nats);
        return new()
        {
            NodeID = NodeId,
            NodeType = NodeType.Requester,
            Labels = Labels,
            SupportedProtocols = [Bacalhau.Contracts.Protocol.Protocols.NclV1],
            PeerID = identity.PeerID,
            PublicKey = identity.PublicKey,
            Addresses = identity.Addresses,
            ClusterRole = clusterRole,
        };
    }
}

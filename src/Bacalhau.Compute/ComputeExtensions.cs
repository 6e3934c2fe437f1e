using Bacalhau.Compute.Executions;
using Bacalhau.Compute.Executors;
using Bacalhau.Compute.Executors.Docker;
using Bacalhau.Compute.Executors.Wasm;
using Bacalhau.Compute.Inputs;
using Bacalhau.Compute.Logs;
using Bacalhau.Compute.Metrics;
using Bacalhau.Compute.Nodes;
using Bacalhau.Compute.Nodes.Gpus;
using Bacalhau.Compute.Publishers;
using Bacalhau.Compute.Publishers.Ipfs;
using Bacalhau.Compute.Publishers.Local;
using Bacalhau.Compute.Publishers.S3;
using Bacalhau.S3;
using Bacalhau.Messaging.Content;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Bacalhau.Compute.Storage;
using Bacalhau.Compute.Transport;
using Bacalhau.Identity.Nodes;
using Bacalhau.Identity;
using Bacalhau.ServiceDefaults.Nats;

namespace Bacalhau.Compute;

public static class ComputeExtensions
{
    /// <summary>Registers everything a compute node runs; the service's Program.cs and <c>bacalhau serve</c> share it.</summary>
    public static IHostApplicationBuilder AddCompute(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(ComputeOptions.SectionName);
        builder.Services.AddOptions<ComputeOptions>().BindConfiguration(ComputeOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ComputeOptions>, ComputeOptionsValidation>();
        // "Compute.AllowListedLocalPaths=/data" arrives as a single value, a list as children: accept both.
        if (section["AllowListedLocalPaths"] is { Length: > 0 } allowed)
        {
            builder.Services.PostConfigure<ComputeOptions>(o => o.AllowListedLocalPaths = [allowed]);
        }

        var options = section.Get<ComputeOptions>() ?? new ComputeOptions();

        // "Compute.Orchestrators=host" arrives as a single value, a list as children: accept both.
        var (orchestrators, peers) = ParseOrchestrators(section["Orchestrators"] is { Length: > 0 } single ? [single] : options.Orchestrators);
        var natsSettings = builder.AddNatsClient("nats", settings =>
        {
            if (orchestrators.Count > 0)
            {
                settings.Url = string.Join(',', orchestrators);
            }

            settings.Token = options.Auth.Token ?? settings.Token;
            settings.CaFile = options.Tls.CACert ?? settings.CaFile;
            settings.RequireTls = options.Tls.Enabled || settings.Url?.Contains("tls://", StringComparison.OrdinalIgnoreCase) == true;
            if (peers.Select(p => p.Peer).OfType<PeerId>().ToList() is { Count: > 0 } pinned)
            {
                settings.CertificateCheck = new OrchestratorCertificatePin(pinned).ConfigureAsync;
            }
        });

        builder.Services.TryAddSingleton(services => new NodeIdentityResolver(key => services.GetRequiredService<IConfiguration>()[key]));
        builder.Services.AddSingleton(services =>
        {
            var node = services.GetRequiredService<NodeIdentityResolver>().Resolve("compute", services.GetRequiredService<IOptions<ComputeOptions>>().Value.ClaimReplicaSlot);
            var labels = services.GetRequiredService<IConfiguration>().GetSection("Labels").Get<Dictionary<string, string>>() ?? [];
            return new ComputeIdentity(node.NodeId, node.DataDir, NodeLabels.With(labels), node.Slot, node.Key);
        });
        // Beside an orchestrator the connection is shared and the orchestrator's credentials, registered first, serve both.
        if (options.Auth.Enroll && !builder.Services.Any(d => d.ServiceType == typeof(INatsCredentials)))
        {
            var token = EnrollmentToken(natsSettings);
            builder.Services.AddSingleton<INatsCredentials>(services => new NodeEnrollment(
                services.GetRequiredService<ComputeIdentity>(),
                token,
                natsSettings.TlsOpts(),
                services.GetRequiredService<ILogger<NodeEnrollment>>()));
        }

        builder.Services.AddSingleton(services => new OrchestratorTrust(peers, services.GetRequiredService<IOptions<ComputeOptions>>()));
        builder.Services.AddSingleton(TimeProvider.System);
        // Engines.Disabled, Publishers.Disabled, InputSources.Disabled: left out before anything lists or uses them.
        var disabled = DisabledComponents.From(builder.Configuration);
        builder.Services.AddSingleton(services => ActivatorUtilities.CreateInstance<NodeInfoProvider>(services, EnabledPublishers(services, disabled)));
        builder.Services.AddSingleton<IExecutor, NoopExecutor>();
        builder.Services.AddOptions<DockerOptions>().BindConfiguration(DockerOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DockerOptions>, DockerOptionsValidation>();
        builder.Services.AddOptions<JobAdmissionControlOptions>().BindConfiguration(JobAdmissionControlOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IExecutor, DockerExecutor>();
        builder.Services.AddSingleton<IPublisher, NoopPublisher>();
        builder.Services.AddOptions<LocalPublisherOptions>().BindConfiguration(LocalPublisherOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LocalPublisherOptions>, LocalPublisherOptionsValidation>();
        builder.Services.AddSingleton<LocalResultStore>();
        builder.Services.AddSingleton<LocalResultUrls>();
        builder.Services.AddSingleton<IPublisher, LocalPublisher>();
        builder.Services.TryAddSingleton<ContentStore>();
        builder.Services.AddSingleton<IpfsPublisher>();
        builder.Services.AddSingleton<IPublisher>(services => services.GetRequiredService<IpfsPublisher>());
        // Probed before the node joins, like the engines, so its first node info offers ipfs only when it works.
        builder.Services.AddHostedService(services => services.GetRequiredService<IpfsPublisher>());
        builder.Services.TryAddSingleton<S3Clients>();
        builder.Services.AddSingleton<IPublisher, S3Publisher>();
        builder.AddInputSources(disabled.InputSources);
        builder.Services.AddSingleton<ExecutionLogFiles>();
        builder.Services.AddHostedService<LogStreamer>();
        builder.Services.AddSingleton<WasmRuntime>();
        builder.Services.AddSingleton<WasmModuleCache>();
        builder.Services.AddSingleton<WasmModuleResolver>();
        builder.Services.AddSingleton<IExecutor, WasmExecutor>();
        // Probed before the node joins (hosted services start in order), so it advertises only engines that work.
        builder.Services.AddSingleton(services => new EngineCatalog(
            DisabledComponents.Enabled(services.GetServices<IExecutor>(), e => e.Engine, disabled.Engines),
            services.GetRequiredService<ILogger<EngineCatalog>>()));
        // Probed before the node joins, like the engines, so its first node info offers the GPUs.
        builder.Services.AddSingleton<GpuCatalog>();
        builder.Services.AddHostedService(services => services.GetRequiredService<GpuCatalog>());
        builder.Services.AddHostedService(services => services.GetRequiredService<EngineCatalog>());
        builder.Services.AddSingleton(services =>
        {
            var identity = services.GetRequiredService<ComputeIdentity>();
            return new ExecutionStore(Path.Combine(identity.DataDir, "state.db"), identity.NodeId);
        });
        builder.Services.AddSingleton<OrchestratorChannel>();
        builder.Services.AddSingleton<StaleWorkGuard>();
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<ComputeMetrics>();
        builder.Services.AddSingleton(services => ActivatorUtilities.CreateInstance<ExecutionManager>(services, EnabledPublishers(services, disabled)));
        builder.Services.AddHostedService<OrchestratorMessaging>();
        builder.Services.AddSingleton<OrchestratorLink>();
        builder.Services.AddHostedService(services => services.GetRequiredService<OrchestratorLink>());
        builder.Services.AddHealthChecks().AddCheck<OrchestratorLinkHealthCheck>("orchestrator", tags: ["ready"]);
        return builder;
    }

    private static List<IPublisher> EnabledPublishers(IServiceProvider services, DisabledComponents disabled) =>
        DisabledComponents.Enabled(services.GetServices<IPublisher>(), p => p.Type, disabled.Publishers).ToList();

    private static (IReadOnlyList<string> NatsAddresses, IReadOnlyList<Multiaddr> Peers) ParseOrchestrators(IEnumerable<string> configured)
    {
        try
        {
            return OrchestratorTrust.Parse(configured);
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"Compute.Orchestrators: {ex.Message}", ex);
        }
    }

    /// <summary>The cluster token the node enrolls with: in the address (token@host) or in <c>Compute.Auth.Token</c>.</summary>
    private static string EnrollmentToken(NatsClientSettings settings) =>
        NatsServerAddresses.Parse([settings.Url ?? $"127.0.0.1:{NatsServerAddresses.DefaultPort}"]).Token ?? settings.Token
        ?? throw new InvalidOperationException("Compute.Auth.Token: a compute node needs the cluster token to enroll with the orchestrator");

    /// <summary>Maps what a compute node serves over HTTP: the results its local publisher published.</summary>
    public static IEndpointRouteBuilder MapComputeEndpoints(this IEndpointRouteBuilder endpoints) => endpoints.MapLocalResults();
}

using Bacalhau.AppHost;
using Bacalhau.AppHost.Nats;
using Bacalhau.NatsHosting.Server;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

if (!builder.ExecutionContext.IsPublishMode && NatsServerBinary.Find() is null)
{
    Console.Error.WriteLine(NatsServerBinary.MissingMessage);
    return 1;
}

var cluster = builder.Configuration.GetSection(ClusterOptions.SectionName).Get<ClusterOptions>() ?? new ClusterOptions();
var dataDir = builder.ExecutionContext.IsPublishMode
    ? null
    : Path.GetFullPath(cluster.DataDir ?? Path.Combine(builder.AppHostDirectory, ".data"));

// One token for the whole cluster: compute nodes enroll with it (locally) or present it (published). Generated (and kept in user
// secrets) unless Parameters:nats-token is set; a secret parameter in the deployment manifest.
var token = builder.AddParameter("nats-token", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

var nats = builder.AddNats("nats", token, dataDir is null ? null : Path.Combine(dataDir, "nats"));

var orchestrator = builder.AddProject<Projects.Bacalhau_Orchestrator_Service>("orchestrator")
    .WithHttpEndpoint(port: cluster.ApiPort > 0 ? cluster.ApiPort : null, name: "http")
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health")
    .WithReference(nats)
    .WaitFor(nats)
    .WithEnvironment("Orchestrator__Auth__Token", token)
    .WithBacalhauConfiguration(builder.Configuration, "Orchestrator", dataDir);

if (nats.Resource is NatsServerResource { AccountSeedFile: var accountSeedFile })
{
    // A path, not the key: the orchestrator reads the key from its 0600 file.
    orchestrator.WithEnvironment("Orchestrator__Auth__NatsAccountSeedFile", accountSeedFile);
}

var compute = builder.AddProject<Projects.Bacalhau_Compute_Service>("compute")
    .WithReplicas(cluster.ComputeReplicas)
    .WithHttpEndpoint(name: "http")
    .WithHttpHealthCheck("/health")
    .WithReference(nats)
    .WaitFor(nats)
    .WithEnvironment("Compute__Auth__Token", token)
    .WithBacalhauConfiguration(builder.Configuration, "Compute", dataDir)
    .WithBacalhauConfiguration(builder.Configuration, "JobAdmissionControl", dataDir);

if (builder.ExecutionContext.IsPublishMode)
{
    // The published nats container takes the token itself; locally nodes enroll with it for credentials of their own.
    compute.WithEnvironment("Compute__Auth__Enroll", "false");
}

if (dataDir is not null)
{
    // Locally the replicas share one data directory; each takes its own slot in it to keep a distinct, stable ID.
    compute.WithEnvironment("Compute__ClaimReplicaSlot", "true");
}

builder.Build().Run();
return 0;

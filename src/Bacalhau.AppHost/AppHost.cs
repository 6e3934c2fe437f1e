using Bacalhau.AppHost;
using Bacalhau.AppHost.Dashboard;
using Bacalhau.AppHost.Deployment;
using Bacalhau.AppHost.Launch;
using Bacalhau.AppHost.Nats;
using Bacalhau.NatsHosting.Server;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

if (!builder.ExecutionContext.IsPublishMode && NatsServerBinary.Find() is null)
{
    Console.Error.WriteLine(NatsServerBinary.MissingMessage);
    return 1;
}

if (!builder.ExecutionContext.IsPublishMode
    && ServiceBuildOutput.Missing(new Projects.Bacalhau_Orchestrator_Service(), new Projects.Bacalhau_Compute_Service()) is { } notBuilt)
{
    Console.Error.WriteLine(notBuilt);
    return 1;
}

var cluster = builder.Configuration.GetSection(ClusterOptions.SectionName).Get<ClusterOptions>() ?? new ClusterOptions();
if (cluster.Orchestrators < 1)
{
    Console.Error.WriteLine($"Cluster:Orchestrators: must be 1 or more, got {cluster.Orchestrators}");
    return 1;
}

var dataDir = builder.ExecutionContext.IsPublishMode
    ? null
    : Path.GetFullPath(cluster.DataDir ?? Path.Combine(builder.AppHostDirectory, ".data"));

// The services' Dockerfile builds from the repository root (publish mode).
var repositoryRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".."));

// One token for the whole cluster: compute nodes enroll with it (locally) or present it (published). Generated (and kept in user
// secrets) unless Parameters:nats-token is set; a secret parameter in the deployment manifest.
var token = builder.AddParameter("nats-token", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

// The connection name every node reads its server from (ConnectionStrings:nats), whichever server it is given.
const string natsConnection = "nats";

// One NATS server per orchestrator; several are joined by routes into one JetStream cluster, sharing one set of keys.
var topology = new ClusterTopology(cluster.Orchestrators, dataDir);
var servers = topology.Members
    .Select(member => builder.AddNats(member.NatsName, token, member.NatsStore, topology.NatsKeys))
    .ToList();
if (topology.IsReplicated)
{
    servers.JoinCluster(cluster.ClusterName);
}

foreach (var (member, index) in topology.Members.Select((member, index) => (member, index)))
{
    var nats = servers[index];
    var orchestrator = builder.AddProject<Projects.Bacalhau_Orchestrator_Service>(member.OrchestratorName)
        .WithHttpEndpoint(port: cluster.ApiPort > 0 ? cluster.ApiPort + index : null, name: OrchestratorApi.EndpointName)
        .WithDashboardCommands(member.DataDir)
        .WithExternalHttpEndpoints()
        .WithHttpHealthCheck("/health")
        .WithReference(nats, natsConnection)
        .WaitFor(nats)
        .WithEnvironment("Orchestrator__Auth__Token", token)
        .WithDashboardLink(builder)
        .WithBacalhauConfiguration(builder.Configuration, "Orchestrator", member.DataDir)
        .RunFromBuildOutput()
        .PublishAsServiceContainer(repositoryRoot);
    if (nats.Resource is NatsServerResource { AccountSeedFile: var accountSeedFile })
    {
        // A path, not the key: the orchestrator reads the key from its 0600 file.
        orchestrator.WithEnvironment("Orchestrator__Auth__NatsAccountSeedFile", accountSeedFile);
    }

    if (topology.IsReplicated)
    {
        orchestrator.WithClusterPeers(cluster.ClusterName, servers.Where((_, other) => other != index));
    }
}

var compute = builder.AddProject<Projects.Bacalhau_Compute_Service>("compute")
    .WithReplicas(cluster.ComputeReplicas)
    .WithHttpEndpoint(name: "http")
    .WithHttpHealthCheck("/health")
    .WithReference(servers[0], natsConnection)
    .WithEnvironment("Compute__Auth__Token", token)
    .WithBacalhauConfiguration(builder.Configuration, "Compute", dataDir)
    .WithBacalhauConfiguration(builder.Configuration, "JobAdmissionControl", dataDir)
    .RunFromBuildOutput()
    .PublishAsServiceContainer(repositoryRoot);
foreach (var nats in servers)
{
    compute.WaitFor(nats);
}

if (topology.IsReplicated)
{
    // Every server, so a node starts even while the first is down; given one, it would learn the others from it.
    compute.WithEnvironment("Compute__Orchestrators", ClusterTopology.ConnectionStrings(servers));
}

if (builder.ExecutionContext.IsPublishMode)
{
    // The published nats container takes the token itself; locally nodes enroll with it for credentials of their own.
    compute.WithEnvironment("Compute__Auth__Enroll", "false");
}

// The replicas share one data directory (locally the cluster's, deployed their volume); each takes its own slot in it
// to keep a distinct, stable ID.
compute.WithEnvironment("Compute__ClaimReplicaSlot", "true");

builder.Build().Run();
return 0;

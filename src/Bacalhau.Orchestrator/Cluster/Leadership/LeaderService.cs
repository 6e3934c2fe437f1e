namespace Bacalhau.Orchestrator.Cluster.Leadership;

/// <summary>A hosted service only the leader runs; in replicated mode it starts when this orchestrator takes the lead.</summary>
internal sealed record LeaderService(Func<IServiceProvider, IHostedService> Resolve);

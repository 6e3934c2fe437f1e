using Bacalhau.Orchestrator;
using Bacalhau.Orchestrator.Api;
using Bacalhau.Orchestrator.Auth;

// An orchestrator that lost the lead of its cluster stops its host, whose memory may hold changes the cluster never
// committed, and starts a new one, which rejoins as a follower from what its database holds.
do
{
    Environment.ExitCode = 0;
    await RunAsync(args);
}
while (Environment.ExitCode == OrchestratorExitCodes.LostLeadership);

static async Task RunAsync(string[] args)
{
    // The content root is where the binaries are, not the working directory: configuration files are watched under it,
    // and a data directory below the working directory would otherwise feed that watcher every execution's files.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

    builder.AddServiceDefaults();
    builder.AddOrchestrator();

    await using var app = builder.Build();

    app.UseApiErrors();
    app.UseApiAuth();
    app.MapDefaultEndpoints();
    app.MapOrchestratorApi();

    await app.RunAsync();
}

using Bacalhau.Orchestrator;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddOrchestrator();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapOrchestratorApi();

app.Run();

using Bacalhau.Compute;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddCompute();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapComputeEndpoints();

app.Run();

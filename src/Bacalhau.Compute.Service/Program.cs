using Bacalhau.Compute;

// The content root is where the binaries are, not the working directory: configuration files are watched under it,
// and a data directory below the working directory would otherwise feed that watcher every execution's files.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.AddServiceDefaults();
builder.AddCompute();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapComputeEndpoints();

app.Run();

using Bacalhau.Orchestrator.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Bacalhau.Orchestrator.Tests;

public sealed class OrchestratorExtensionsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bacalhau-registration-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_orchestrator_registers_one_job_store_and_it_is_the_sqlite_one_in_its_data_dir()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataDir"] = _dir,
            ["ConnectionStrings:nats"] = "nats://127.0.0.1:1",
        });

        builder.AddOrchestrator();

        // Callers depend on the interface only: a second implementation replaces this one registration.
        var registration = Assert.Single(builder.Services, d => d.ServiceType == typeof(IJobStore));
        Assert.Equal(ServiceLifetime.Singleton, registration.Lifetime);
        Assert.DoesNotContain(builder.Services, d => d.ServiceType == typeof(SqliteJobStore));

        await using var services = (ServiceProvider)builder.Services.BuildServiceProvider();
        var store = services.GetRequiredService<IJobStore>();
        Assert.IsType<SqliteJobStore>(store);
        Assert.Same(store, services.GetRequiredService<IJobStore>());
        Assert.Single(Directory.GetFiles(_dir, "state.db", SearchOption.AllDirectories));
    }
}

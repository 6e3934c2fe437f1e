using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Orchestrator.Jobs;

namespace Bacalhau.Orchestrator.Tests.Jobs;

public sealed class JobDefaultsOptionsTests
{
    private static readonly JobDefaultsOptions Defaults = new()
    {
        Batch = new BatchJobDefaults
        {
            Priority = 5,
            Task = new BatchTaskDefaults
            {
                Resources = new ResourcesConfig { CPU = "500m", Memory = "1Gi" },
                Timeouts = new TimeoutDefaults { ExecutionTimeout = TimeSpan.FromMinutes(2), TotalTimeout = TimeSpan.FromHours(1) },
                Publisher = new PublisherDefaults { Type = "s3", Params = { ["Bucket"] = "results \"x\"" } },
            },
        },
        Daemon = new LongRunningJobDefaults { Priority = 9, Task = new TaskResourceDefaults { Resources = new ResourcesConfig { GPU = "1" } } },
    };

    [Fact]
    public void A_job_without_a_type_takes_the_batch_defaults_in_every_field_it_leaves_empty()
    {
        var job = Defaults.Apply(new Job { Tasks = [new JobTask { Resources = new ResourcesConfig { Memory = "64Mi" } }] });

        Assert.Equal(5, job.Priority);
        var task = Assert.Single(job.Tasks);
        Assert.Equal(new ResourcesConfig { CPU = "500m", Memory = "64Mi" }, task.Resources);
        Assert.Equal(new TimeoutConfig { ExecutionTimeout = 120, TotalTimeout = 3600 }, task.Timeouts);
        Assert.Equal("s3", task.Publisher!.Type);
        Assert.Equal("results \"x\"", task.Publisher.Params["Bucket"].GetString());
    }

    [Fact]
    public void What_a_job_gives_is_kept_and_other_types_take_their_own_defaults()
    {
        var given = Defaults.Apply(new Job { Type = "Batch", Priority = 1, Tasks = [new JobTask { Publisher = new SpecConfig { Type = "local" }, Timeouts = new TimeoutConfig { ExecutionTimeout = 7 } }] });
        var daemon = Defaults.Apply(new Job { Type = "daemon", Tasks = [new JobTask()] });
        var service = Defaults.Apply(new Job { Type = "service", Tasks = [new JobTask()] });
        var unknown = new Job { Type = "flibble", Tasks = [new JobTask()] };

        Assert.Equal((1, "local", 7L), (given.Priority, given.Tasks[0].Publisher!.Type, given.Tasks[0].Timeouts.ExecutionTimeout));
        Assert.Equal((9, "1", null), (daemon.Priority, daemon.Tasks[0].Resources.GPU, daemon.Tasks[0].Publisher));
        Assert.Equal((0, new ResourcesConfig()), (service.Priority, service.Tasks[0].Resources));
        Assert.Same(unknown, Defaults.Apply(unknown));
    }
}

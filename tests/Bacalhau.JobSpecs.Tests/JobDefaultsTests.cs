using System.Text.Json;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.JobSpecs.Tests;

public sealed class JobDefaultsTests
{
    [Fact]
    public void Fills_in_what_the_spec_left_out()
    {
        var job = JobDefaults.Apply(new Job { ID = "j-1", Namespace = "", Type = "", Tasks = [new JobTask()] });

        Assert.Equal("j-1", job.Name);
        Assert.Equal("default", job.Namespace);
        Assert.Equal(JobTypes.Batch, job.Type);
        Assert.Equal(1, job.Count);
        Assert.Equal("main", job.Tasks[0].Name);
    }

    [Fact]
    public void Keeps_what_the_spec_gave()
    {
        var job = JobDefaults.Apply(new Job { ID = "j-1", Name = "mine", Namespace = "team-a", Type = JobTypes.Service, Count = 3, Tasks = [new JobTask { Name = "web" }] });

        Assert.Equal("mine", job.Name);
        Assert.Equal("team-a", job.Namespace);
        Assert.Equal(JobTypes.Service, job.Type);
        Assert.Equal(3, job.Count);
        Assert.Equal("web", job.Tasks[0].Name);
    }

    [Theory]
    [InlineData(JobTypes.Batch, 1)]
    [InlineData(JobTypes.Service, 1)]
    [InlineData(JobTypes.Ops, 0)]
    [InlineData(JobTypes.Daemon, 0)]
    public void Count_zero_means_one_except_for_jobs_that_run_on_every_node(string type, int count)
    {
        Assert.Equal(count, JobDefaults.Apply(new Job { Type = type }).Count);
    }

    [Fact]
    public void Type_names_get_their_canonical_spelling()
    {
        var job = JobDefaults.Apply(new Job
        {
            Type = " Daemon",
            Tasks =
            [
                new JobTask
                {
                    Engine = new SpecConfig { Type = "Docker" },
                    Publisher = new SpecConfig { Type = "LOCAL" },
                    InputSources =
                    [
                        new InputSource { Source = new SpecConfig { Type = "URLDOWNLOAD" } },
                        new InputSource { Source = new SpecConfig { Type = "S3" } },
                    ],
                },
            ],
        });

        Assert.Equal(JobTypes.Daemon, job.Type);
        Assert.Equal(EngineTypes.Docker, job.Tasks[0].Engine.Type);
        Assert.Equal(PublisherTypes.Local, job.Tasks[0].Publisher?.Type);
        Assert.Equal([SourceTypes.UrlDownload, "s3"], job.Tasks[0].InputSources.Select(input => input.Source.Type));
    }

    [Fact]
    public void An_empty_publisher_means_no_publishing()
    {
        var empty = JobDefaults.Apply(new Job { Tasks = [new JobTask { Publisher = new SpecConfig() }] });
        var typeless = JobDefaults.Apply(new Job { Tasks = [new JobTask { Publisher = new SpecConfig { Params = { ["Bucket"] = JsonElement.Parse("\"b\"") } } }] });

        Assert.Null(empty.Tasks[0].Publisher);
        Assert.NotNull(typeless.Tasks[0].Publisher);
    }
}

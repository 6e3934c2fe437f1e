using Bacalhau.JobSpecs.S3;
using System.Text.Json;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.JobSpecs.Tests;

/// <summary>Real Bacalhau job specs are accepted or refused as Bacalhau would.</summary>
public sealed class ConformanceTests
{
    [Theory]
    [InlineData("noop.yaml")]
    [InlineData("nameless.yaml")]
    [InlineData("docker.yaml")]
    [InlineData("docker-hello.yaml")]
    [InlineData("docker-output.yaml")]
    [InlineData("docker-output.json")]
    [InlineData("wasm.yaml")]
    [InlineData("wasm_legacy.yaml")]
    public void Spec_is_accepted(string file)
    {
        Assert.Empty(Specs.Errors(Specs.Conformance(file)));
    }

    [Fact]
    public void Docker_spec_reads_into_the_model()
    {
        var job = JobSpecReader.Read(Specs.Conformance("docker-output.yaml"));

        Assert.Equal("Docker Job with Output", job.Name);
        Assert.Equal(JobTypes.Batch, job.Type);
        Assert.Equal(1, job.Count);
        var task = Assert.Single(job.Tasks);
        Assert.Equal(EngineTypes.Docker, task.Engine.Type);
        Assert.Equal("busybox:1.37.0", task.Engine.Params["Image"].GetString());
        Assert.Equal(["/bin/sh"], task.Engine.Params["Entrypoint"].EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["-c", "echo 15 > /output_custom/output.txt"], task.Engine.Params["Parameters"].EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(PublisherTypes.Local, task.Publisher?.Type);
        Assert.Equal(new ResultPath { Name = "output_custom", Path = "/output_custom" }, Assert.Single(task.ResultPaths));
    }

    [Fact]
    public void Lower_case_keys_read_the_same_as_pascal_case_keys()
    {
        const string PascalCase = """
            Name: A Simple Docker Job
            Type: batch
            Count: 1
            Tasks:
              - Name: My main task
                Engine:
                  Type: docker
                  Params:
                    Image: busybox:1.37.0
                    Entrypoint:
                      - /bin/sh
                    Parameters:
                      - -c
                      - echo Hello Bacalhau!
            """;

        Assert.Equal(Json(JobSpecReader.Read(PascalCase)), Json(JobSpecReader.Read(Specs.Conformance("docker-hello.yaml"))));
        Assert.Equal("My main task", JobSpecReader.Read(Specs.Conformance("docker-hello.yaml")).Tasks[0].Name);
    }

    [Fact]
    public void Nameless_job_is_named_after_its_id()
    {
        var job = JobDefaults.Apply(JobSpecReader.Read(Specs.Conformance("nameless.yaml")) with { ID = Specs.JobId });

        Assert.Equal(Specs.JobId, job.Name);
        Assert.Equal("default", job.Namespace);
    }

    [Fact]
    public void Custom_engine_type_is_refused_naming_the_field_and_the_type()
    {
        var error = Assert.Single(Specs.Errors(Specs.Conformance("custom-task-type.yaml")));

        Assert.Equal("Tasks[0].Engine.Type: unknown engine 'flibble'; supported engines: docker, noop, wasm", error);
    }

    [Fact]
    public void S3_input_is_read_and_valid()
    {
        var job = JobSpecReader.Read(Specs.Conformance("docker-s3.yaml"));

        Assert.Empty(Specs.Errors(Specs.Conformance("docker-s3.yaml")));
        var source = S3SourceSpec.Parse(job.Tasks[0].InputSources[0].Source);
        Assert.Equal(("bacalhau-test-datasets", "integration-tests-do-not-delete/set1/", "eu-west-1"), (source.Bucket, source.Key, source.Region));
        Assert.True(source.IsPrefix);
    }

    [Fact]
    public void Empty_spec_is_refused_as_empty()
    {
        var ex = Assert.Throws<JobSpecException>(() => JobSpecReader.Read(Specs.Conformance("empty.yaml")));

        Assert.Equal("the spec is empty", ex.Message);
    }

    [Fact]
    public void Wasm_spec_keeps_its_inline_module_as_written()
    {
        var text = Specs.Conformance("wasm.yaml");
        var job = JobSpecReader.Read(text);

        // A literal block scalar: its lines, without their indentation, joined by newlines.
        var blockLines = text.Split('\n').SkipWhile(line => !line.TrimEnd().EndsWith("URL: |-", StringComparison.Ordinal)).Skip(1).Select(line => line.Trim());
        Assert.Equal(string.Join('\n', blockLines).TrimEnd(), job.Tasks[0].InputSources[0].Source.Params["URL"].GetString());
        Assert.True(text.Length > 100_000);
        Assert.Equal("wasm.main", job.Tasks[0].Engine.Params["EntryModule"].GetString());
    }

    [Fact]
    public void Legacy_wasm_spec_keeps_its_entry_module_mapping()
    {
        var job = JobSpecReader.Read(Specs.Conformance("wasm_legacy.yaml"));

        var module = job.Tasks[0].Engine.Params["EntryModule"];
        Assert.Equal(JsonValueKind.Object, module.ValueKind);
        Assert.Equal("inline", module.GetProperty("Source").GetProperty("Type").GetString());
        Assert.Equal(JsonValueKind.Null, job.Tasks[0].Engine.Params["EnvironmentVariables"].ValueKind);
    }

    private static string Json(Job job) => JsonSerializer.Serialize(job, BacalhauJsonContext.Default.Job);
}

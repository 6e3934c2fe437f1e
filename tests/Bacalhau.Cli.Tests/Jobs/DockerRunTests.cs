using System.Text.Json;
using Bacalhau.Cli.Commands;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Cli.Tests.Jobs;

/// <summary>Flags of <c>bacalhau docker run</c>, parsed by the real command tree, turned into the job it submits.</summary>
public sealed class DockerRunTests
{
    [Fact]
    public void The_image_and_the_command_after_the_separator_make_the_engine()
    {
        var job = Build("docker", "run", "ubuntu:22.04", "--", "sh", "-c", "echo hello --count 3");

        Assert.Equal(JobTypes.Batch, job.Type);
        Assert.Equal(1, job.Count);
        var task = Assert.Single(job.Tasks);
        Assert.Equal("main", task.Name);
        Assert.Equal(EngineTypes.Docker, task.Engine.Type);
        Assert.Equal("ubuntu:22.04", task.Engine.Params["Image"].GetString());
        Assert.Equal(["sh", "-c", "echo hello --count 3"], Strings(task.Engine.Params["Parameters"]));
        Assert.False(task.Engine.Params.ContainsKey("Entrypoint"));
        Assert.Null(task.Publisher);
    }

    [Fact]
    public void Every_job_flag_lands_where_bacalhau_puts_it()
    {
        var job = Build(
            "docker", "run", "--count", "2", "--name", "hello", "-e", "A=1", "--env", "B=x=y",
            "--cpu", "500m", "--memory", "1Gb", "--disk", "2Gb", "--timeout", "30", "--publisher", "local",
            "-o", "out:/outputs", "--constraints", "zone=eu,gpu!=none", "--constraints", "tier in (a,b)",
            "--labels", "team=data,env=test", "--entrypoint", "/bin/sh", "-w", "/work",
            "busybox", "--", "-c", "ls");

        Assert.Equal(2, job.Count);
        Assert.Equal("hello", job.Name);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "data", ["env"] = "test" }, job.Labels);
        Assert.Equal(
            [("zone", "=", "eu"), ("gpu", "!=", "none"), ("tier", "in", "a,b")],
            job.Constraints.Select(c => (c.Key, c.Operator, string.Join(',', c.Values))));
        var task = Assert.Single(job.Tasks);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "x=y" }, task.Env);
        Assert.Equal(new ResourcesConfig { CPU = "500m", Memory = "1Gb", Disk = "2Gb" }, task.Resources);
        Assert.Equal(30, task.Timeouts.ExecutionTimeout);
        Assert.Equal("local", task.Publisher?.Type);
        Assert.Equal([new ResultPath { Name = "out", Path = "/outputs" }], task.ResultPaths);
        Assert.Equal(["/bin/sh"], Strings(task.Engine.Params["Entrypoint"]));
        Assert.Equal("/work", task.Engine.Params["WorkingDirectory"].GetString());
        Assert.Equal(["-c", "ls"], Strings(task.Engine.Params["Parameters"]));
    }

    [Theory]
    [InlineData("s3://bucket/results/{jobID}/{executionID},opt=region=eu-west-1,opt=encoding=plain,opt=endpoint=http://127.0.0.1:9000")]
    [InlineData("target=s3://bucket/results/{jobID}/{executionID},option=Region=eu-west-1,opt=ENCODING=plain,opt=endpoint=http://127.0.0.1:9000")]
    public void An_s3_publisher_is_a_bucket_and_a_key_with_placeholders(string value)
    {
        var publisher = Build("docker", "run", "-p", value, "busybox").Tasks[0].Publisher!;

        Assert.Equal("s3", publisher.Type);
        Assert.Equal(
            new Dictionary<string, string> { ["Bucket"] = "bucket", ["Key"] = "results/{jobID}/{executionID}", ["Region"] = "eu-west-1", ["Encoding"] = "plain", ["Endpoint"] = "http://127.0.0.1:9000" },
            publisher.Params.ToDictionary(p => p.Key, p => p.Value.GetString()!));
    }

    [Theory]
    [InlineData("IPFS", "ipfs")]
    [InlineData("ipfs://", "ipfs")]
    [InlineData("local", "local")]
    public void A_publisher_type_alone_is_that_publisher(string value, string type) =>
        Assert.Equal(type, Build("docker", "run", "-p", value, "busybox").Tasks[0].Publisher!.Type);

    [Theory]
    [InlineData("--publisher", "ftp", "invalid publisher 'ftp': unknown publisher 'ftp'; expected ipfs, local, noop or s3://bucket/key")]
    [InlineData("--publisher", "s3", "invalid publisher 's3': an s3 publisher needs s3://bucket/key")]
    [InlineData("--publisher", "s3://bucket", "invalid publisher 's3://bucket': Params.Key: required")]
    [InlineData("--publisher", "s3://b/k,opt=acl=public", "invalid publisher 's3://b/k,opt=acl=public': unknown option 'acl' for s3 publishers")]
    [InlineData("-e", "NOVALUE", "invalid --env 'NOVALUE'")]
    [InlineData("-o", "/outputs", "invalid output '/outputs'")]
    [InlineData("--constraints", "=bad", "invalid constraint '=bad'")]
    [InlineData("--count", "0", "invalid --count 0")]
    public void Bad_flags_say_what_is_wrong(string flag, string value, string message)
    {
        var error = Assert.Throws<CliException>(() => Build("docker", "run", flag, value, "ubuntu"));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wasm_module_file_travels_inline_and_is_the_entry_module()
    {
        var module = Path.Combine(Path.GetTempPath(), $"main-{Guid.NewGuid():N}.wasm");
        File.WriteAllBytes(module, [0, 0x61, 0x73, 0x6d]);
        try
        {
            var command = Parse("wasm", "run", module, "--", "a", "b");
            var job = ((WasmRunCommand)command.CommandResult.Command).BuildJob(command);

            var task = Assert.Single(job.Tasks);
            Assert.Equal(EngineTypes.Wasm, task.Engine.Type);
            Assert.Equal(Path.GetFileName(module), task.Engine.Params["EntryModule"].GetString());
            Assert.Equal("_start", task.Engine.Params["Entrypoint"].GetString());
            Assert.Equal(["a", "b"], Strings(task.Engine.Params["Parameters"]));
            var input = Assert.Single(task.InputSources);
            Assert.Equal("inline", input.Source.Type);
            Assert.Equal("/" + Path.GetFileName(module), input.Target);
            Assert.Equal("data:application/wasm;base64,AGFzbQ==", input.Source.Params["URL"].GetString());
        }
        finally
        {
            File.Delete(module);
        }
    }

    private static Job Build(params string[] args)
    {
        var parse = Parse(args);
        return ((DockerRunCommand)parse.CommandResult.Command).BuildJob(parse);
    }

    private static System.CommandLine.ParseResult Parse(params string[] args)
    {
        var parse = BacalhauCli.CreateRootCommand(new GlobalOptions()).Parse(args);
        Assert.Empty(parse.Errors);
        return parse;
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}

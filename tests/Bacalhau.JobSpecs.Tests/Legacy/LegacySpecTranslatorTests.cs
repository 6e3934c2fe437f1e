using System.Text;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.JobSpecs.Legacy;

namespace Bacalhau.JobSpecs.Tests.Legacy;

public sealed class LegacySpecTranslatorTests
{
    // The body of the generic endpoint's example in Bacalhau's networking documentation.
    private const string SeedSpec = """{"Engine": "Docker", "Docker": {"Image": "ubuntu", "Entrypoint": ["echo", "hello"]}, "Deal": {"Concurrency": 1}, "Verifier": "Noop", "Publisher": "IPFS"}""";

    [Fact]
    public void The_documented_example_becomes_a_valid_docker_batch_job_publishing_to_ipfs()
    {
        var job = Valid(LegacySpecTranslator.Translate(Encoding.UTF8.GetBytes(SeedSpec)));

        Assert.Equal(JobTypes.Batch, job.Type);
        Assert.Equal(1, job.Count);
        var task = Assert.Single(job.Tasks);
        Assert.Equal(EngineTypes.Docker, task.Engine.Type);
        Assert.True(task.Engine.TryGetParam("Image", out var image));
        Assert.Equal("ubuntu", image.GetString());
        Assert.True(task.Engine.TryGetParam("Entrypoint", out var entrypoint));
        Assert.Equal(["echo", "hello"], entrypoint.EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(PublisherTypes.Ipfs, task.Publisher!.Type);
    }

    [Fact]
    public void Every_supported_field_lands_in_the_job()
    {
        var job = Valid(LegacySpecTranslator.Translate("""
            {
              "engine": "docker", "publisher": "", "verifier": "",
              "Docker": {"Image": "busybox", "Parameters": ["-c", "ls"], "EnvironmentVariables": ["A=1"], "WorkingDirectory": "/work"},
              "Wasm": {"EntryModule": {}}, "Language": {"JobContext": {}},
              "Deal": {"Concurrency": 3},
              "Resources": {"CPU": "500m", "Memory": "1Gb", "Disk": "", "GPU": ""},
              "Network": {"Type": "Full"},
              "Timeout": 1.5,
              "inputs": [{"StorageSource": "URLDownload", "URL": "http://127.0.0.1/data.csv", "Path": "/inputs/data.csv"}],
              "outputs": [{"StorageSource": "IPFS", "Name": "outputs", "Path": "/outputs"}],
              "NodeSelectors": [{"Key": "zone", "Operator": "=", "Values": ["eu"]}],
              "Annotations": ["demo"],
              "DoNotTrack": true
            }
            """u8));

        Assert.Equal(3, job.Count);
        var task = job.Tasks[0];
        Assert.Equal(PublisherTypes.Ipfs, task.Publisher!.Type);
        Assert.True(task.Engine.TryGetParam("WorkingDirectory", out var directory));
        Assert.Equal("/work", directory.GetString());
        Assert.True(task.Engine.TryGetParam("EnvironmentVariables", out var env));
        Assert.Equal("A=1", Assert.Single(env.EnumerateArray()).GetString());
        Assert.Equal(new ResourcesConfig { CPU = "500m", Memory = "1Gb" }, task.Resources);
        Assert.Equal("Full", task.Network.Type);
        Assert.Equal(2, task.Timeouts.ExecutionTimeout);
        var input = Assert.Single(task.InputSources);
        Assert.Equal(SourceTypes.UrlDownload, input.Source.Type);
        Assert.Equal("/inputs/data.csv", input.Target);
        Assert.Equal(new ResultPath { Name = "outputs", Path = "/outputs" }, Assert.Single(task.ResultPaths));
        var constraint = Assert.Single(job.Constraints);
        Assert.Equal(("zone", "=", "eu"), (constraint.Key, constraint.Operator, Assert.Single(constraint.Values)));
        Assert.Equal("", job.Labels["demo"]);
    }

    [Fact]
    public void A_wasm_spec_keeps_its_entry_module_as_a_legacy_input_source_mapping()
    {
        var job = Valid(LegacySpecTranslator.Translate("""
            {"Engine": "Wasm", "Wasm": {"EntryModule": {"StorageSource": "Inline", "URL": "data:,x", "Name": "main.wasm"},
             "EntryPoint": "_start", "Parameters": ["a"], "EnvironmentVariables": {"K": "v"}}}
            """u8));

        var task = job.Tasks[0];
        Assert.Equal(EngineTypes.Wasm, task.Engine.Type);
        Assert.True(task.Engine.TryGetParam("EntryModule", out var module));
        Assert.Equal("/wasm/main.wasm", module.GetProperty("Target").GetString());
        Assert.Equal(SourceTypes.Inline, module.GetProperty("Source").GetProperty("Type").GetString());
        Assert.Equal("main.wasm", module.GetProperty("Alias").GetString());
        Assert.Equal("v", task.Env["K"]);
    }

    [Theory]
    [InlineData("""{"Engine": "Docker", "Docker": {"Image": "x"}, "Verifier": "Deterministic"}""", "Verifier: verifier 'Deterministic' is not supported by Bacalhau.NET; supported verifiers: Noop")]
    [InlineData("""{"Engine": "Language", "Language": {"Language": "python"}}""", "Engine: engine 'Language' is not supported by Bacalhau.NET; supported engines: Docker, Noop, Wasm")]
    [InlineData("""{"Engine": "Firecracker"}""", "Engine: unknown engine 'Firecracker'; supported engines: Docker, Noop, Wasm")]
    [InlineData("""{"Docker": {"Image": "x"}}""", "Engine: required; supported engines: Docker, Noop, Wasm")]
    [InlineData("""{"Engine": "Noop", "Publisher": "Estuary"}""", "Publisher: publisher 'Estuary' is not supported by Bacalhau.NET; supported publishers: IPFS")]
    [InlineData("""{"Engine": "Noop", "PublisherSpec": {"Type": "Filecoin"}}""", "PublisherSpec.Type: publisher 'Filecoin' is not supported by Bacalhau.NET; supported publishers: IPFS")]
    [InlineData("""{"Engine": "Noop", "Flavour": "salty"}""", "Flavour: unknown field of a v1beta1 spec")]
    [InlineData("""{"Engine": "Docker", "Docker": {"Image": "x", "Privileged": true}}""", "Docker.Privileged: unknown field of a v1beta1 spec")]
    [InlineData("""{"Engine": "Docker", "Docker": {"Image": "x", "Entrypoint": "echo"}}""", "Docker.Entrypoint: expected a list of strings")]
    [InlineData("""{"Engine": "Noop", "Deal": {"Concurrency": 1, "Confidence": 2}}""", "Deal.Confidence: not supported by Bacalhau.NET: results are not verified")]
    [InlineData("""{"Engine": "Noop", "Deal": {"Concurrency": -1}}""", "Deal.Concurrency: must be a whole number of nodes, not negative")]
    [InlineData("""{"Engine": "Noop", "Timeout": "soon"}""", "Timeout: expected a number")]
    [InlineData("""{"Engine": "Noop", "Inputs": [{"StorageSource": "IPFS", "CID": "Qm", "Path": "/in"}]}""", "Inputs[0].CID: not supported by Bacalhau.NET: inputs by CID need an IPFS node; use URLDownload or Inline; Inputs[0].StorageSource: storage source 'IPFS' is not supported by Bacalhau.NET; supported storage sources: URLDownload, Inline, LocalDirectory")]
    [InlineData("""{"Engine": "Noop", "Sharding": {"BatchSize": 2}}""", "Sharding: not supported by Bacalhau.NET: jobs are not sharded")]
    public void What_cannot_be_honoured_is_refused_by_name(string spec, string error)
    {
        var ex = Assert.ThrowsAny<JobSpecException>(() => LegacySpecTranslator.Translate(Encoding.UTF8.GetBytes(spec)));

        Assert.Equal(error, ex.Message);
    }

    [Fact]
    public void A_spec_near_the_api_body_limit_is_read_without_renting_body_sized_arrays_from_the_shared_pools()
    {
        var spec = Encoding.UTF8.GetBytes($$"""{"Engine": "Noop", "Annotations": ["{{new string('a', 1_000_000)}}"]}""");
        using var rents = new SharedPoolRents();

        var job = LegacySpecTranslator.Translate(spec);

        Assert.Equal(1_000_000, Assert.Single(job.Labels).Key.Length);
        Assert.Empty(rents.Large);
    }

    [Fact]
    public void An_unknown_engine_name_is_quoted_back_only_in_part()
    {
        var engine = new string('x', 70_000);

        var ex = Assert.ThrowsAny<JobSpecException>(() => LegacySpecTranslator.Translate(Encoding.UTF8.GetBytes($$"""{"Engine": "{{engine}}"}""")));

        Assert.Equal($"Engine: unknown engine '{engine[..64]}...'; supported engines: Docker, Noop, Wasm", ex.Message);
    }

    [Theory]
    [InlineData("{\"Engine\": ", "invalid JSON")]
    [InlineData("[1, 2]", "the body must be a v1beta1 job spec")]
    [InlineData("", "the body must be a v1beta1 job spec")]
    public void A_body_that_is_not_a_json_object_is_refused(string body, string start)
    {
        var ex = Assert.ThrowsAny<JobSpecException>(() => LegacySpecTranslator.Translate(Encoding.UTF8.GetBytes(body)));

        Assert.StartsWith(start, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"Engine": "Noop", "Outputs": [{"Name": "/etc", "Path": "/out"}]}""", "Tasks[0].ResultPaths[0].Name: must be a plain name without '/' or '\\', got '/etc'")]
    [InlineData("""{"Engine": "Noop", "Outputs": [{"Name": "out", "Path": "/out/../.."}]}""", "Tasks[0].ResultPaths[0].Path: must be a normalised absolute path without empty, '.' or '..' segments, got '/out/../..'")]
    [InlineData("""{"Engine": "Noop", "Inputs": [{"StorageSource": "Inline", "URL": "data:,x", "Path": "/in/../../x"}]}""", "Tasks[0].InputSources[0].Target: must be a normalised absolute path without empty, '.' or '..' segments, got '/in/../../x'")]
    [InlineData("""{"Engine": "Wasm", "Wasm": {"EntryModule": {"StorageSource": "Inline", "URL": "data:,x", "Path": "/../main.wasm"}}}""", "Tasks[0].Engine.Params.EntryModule.Target: must be a normalised absolute path without empty, '.' or '..' segments, got '/../main.wasm'")]
    [InlineData("""{"Engine": "Noop", "Network": {"Type": "HTTP", "Domains": ["example.com"]}}""", "Tasks[0].Network.Type: HTTP networking (HTTP(S) to the listed Domains only) cannot be enforced")]
    public void Names_and_paths_of_a_legacy_spec_obey_the_rules_of_any_job(string spec, string error)
    {
        var job = JobDefaults.Apply(LegacySpecTranslator.Translate(Encoding.UTF8.GetBytes(spec)) with { ID = Specs.JobId });

        Assert.StartsWith(error, Assert.Single(JobValidator.Validate(job)), StringComparison.Ordinal);
    }

    private static Job Valid(Job job)
    {
        var applied = JobDefaults.Apply(job with { ID = Specs.JobId });
        Assert.Empty(JobValidator.Validate(applied));
        return applied;
    }
}

using System.Text;
using System.Text.Json;

namespace Bacalhau.JobSpecs.Tests;

public sealed class JobSpecReaderTests
{
    [Fact]
    public void Field_names_ignore_case_at_every_level()
    {
        var job = JobSpecReader.Read("""
            NAME: shouting
            tYPE: ops
            tasks:
              - NaMe: t
                ENGINE: {TYPE: noop}
                resources: {cpu: 500m}
                timeouts: {executiontimeout: 30}
            """);

        Assert.Equal("shouting", job.Name);
        Assert.Equal("ops", job.Type);
        Assert.Equal("t", job.Tasks[0].Name);
        Assert.Equal("noop", job.Tasks[0].Engine.Type);
        Assert.Equal("500m", job.Tasks[0].Resources.CPU);
        Assert.Equal(30, job.Tasks[0].Timeouts.ExecutionTimeout);
    }

    [Fact]
    public void Params_env_and_label_keys_keep_the_users_spelling()
    {
        var job = JobSpecReader.Read("""
            labels: {Team: data, owner: ME}
            tasks:
              - engine:
                  type: docker
                  params: {image: ubuntu, WorkingDirectory: /w, MixedCASE: {innerKey: 1}}
                env: {http_proxy: x, HOME: /root}
            """);

        var engineParams = job.Tasks[0].Engine.Params;
        Assert.Equal(["image", "WorkingDirectory", "MixedCASE"], engineParams.Keys);
        Assert.Equal("innerKey", engineParams["MixedCASE"].EnumerateObject().Single().Name);
        Assert.Equal(["http_proxy", "HOME"], job.Tasks[0].Env.Keys);
        Assert.Equal(["Team", "owner"], job.Labels.Keys);
        Assert.True(job.Tasks[0].Engine.TryGetParam("Image", out var image));
        Assert.Equal("ubuntu", image.GetString());
    }

    [Fact]
    public void Json_and_yaml_read_alike()
    {
        var fromJson = JobSpecReader.Read("""  {"name": "j", "count": 2, "tasks": [{"engine": {"type": "docker", "params": {"Image": "x", "Port": 80}}}]}""");
        var fromYaml = JobSpecReader.Read("""
            name: j
            count: 2
            tasks: [{engine: {type: docker, params: {Image: x, Port: 80}}}]
            """);

        Assert.Equal(Serialize(fromJson), Serialize(fromYaml));
        Assert.Equal(2, fromJson.Count);
    }

    [Fact]
    public void Plain_yaml_scalars_are_typed_and_quoted_ones_stay_strings()
    {
        var engineParams = JobSpecReader.Read("""
            Tasks:
              - Engine:
                  Type: docker
                  Params:
                    Int: 3
                    Float: 1.5e3
                    True: true
                    Null: ~
                    Empty:
                    QuotedInt: "3"
                    SingleQuotedBool: 'true'
                    TaggedInt: !!str 3
                    Block: |
                      line one
                      42
                    Word: yes
                    Octal: 007
            """).Tasks[0].Engine.Params;

        Assert.Equal(3, engineParams["Int"].GetInt32());
        Assert.Equal(1500, engineParams["Float"].GetDouble());
        Assert.Equal(JsonValueKind.True, engineParams["True"].ValueKind);
        Assert.Equal(JsonValueKind.Null, engineParams["Null"].ValueKind);
        Assert.Equal(JsonValueKind.Null, engineParams["Empty"].ValueKind);
        Assert.Equal("3", engineParams["QuotedInt"].GetString());
        Assert.Equal("true", engineParams["SingleQuotedBool"].GetString());
        Assert.Equal("3", engineParams["TaggedInt"].GetString());
        Assert.Equal("yes", engineParams["Word"].GetString());
        Assert.Equal("007", engineParams["Octal"].GetString());
        Assert.Equal("line one\n42\n", engineParams["Block"].GetString());
    }

    [Fact]
    public void Unquoted_scalars_fill_string_fields_as_written()
    {
        var job = JobSpecReader.Read("""
            Labels: {version: 1.10, gpu: true}
            Tasks:
              - Resources: {CPU: 1, GPU: 2}
            Constraints:
              - {Key: cores, Operator: gt, Values: [4]}
            """);

        Assert.Equal("1.10", job.Labels["version"]);
        Assert.Equal("true", job.Labels["gpu"]);
        Assert.Equal("1", job.Tasks[0].Resources.CPU);
        Assert.Equal("2", job.Tasks[0].Resources.GPU);
        Assert.Equal(["4"], job.Constraints[0].Values);
    }

    [Fact]
    public void Numbers_written_as_strings_are_accepted()
    {
        var job = JobSpecReader.Read("""
            Count: "3"
            Tasks: [{Timeouts: {QueueTimeout: "60"}}]
            """);

        Assert.Equal(3, job.Count);
        Assert.Equal(60, job.Tasks[0].Timeouts.QueueTimeout);
    }

    [Fact]
    public void Fields_left_out_keep_the_model_defaults()
    {
        var job = JobSpecReader.Read("Tasks: [{Name: t}]");

        Assert.Equal("default", job.Namespace);
        Assert.Equal("batch", job.Type);
        Assert.Equal("", job.Name);
        Assert.Empty(job.Constraints);
        Assert.Equal("", job.Tasks[0].Engine.Type);
        Assert.Empty(job.Tasks[0].Engine.Params);
        Assert.Empty(job.Tasks[0].InputSources);
        Assert.Equal("", job.Tasks[0].Resources.Memory);
        Assert.Empty(job.Tasks[0].Network.Domains);
    }

    [Fact]
    public void Fields_of_constructor_built_types_are_read()
    {
        var job = JobSpecReader.Read("State: {Message: submitted by hand}");

        Assert.Equal("submitted by hand", job.State.Message);
    }

    [Fact]
    public void Null_and_empty_values_leave_the_defaults()
    {
        var job = JobSpecReader.Read("""
            Name: j
            Namespace:
            Labels: ~
            Tasks:
              - Engine: {Type: noop}
                Publisher:
                Env:
                InputSources: null
            """);

        Assert.Equal("default", job.Namespace);
        Assert.Empty(job.Labels);
        Assert.Null(job.Tasks[0].Publisher);
        Assert.Empty(job.Tasks[0].Env);
        Assert.Empty(job.Tasks[0].InputSources);
    }

    [Fact]
    public void Yaml_merge_keys_and_aliases_are_expanded()
    {
        var job = JobSpecReader.Read("""
            Labels: &common {team: data}
            Meta:
              <<: *common
              extra: x
            """);

        Assert.Equal(new Dictionary<string, string> { ["team"] = "data", ["extra"] = "x" }, job.Meta);
    }

    [Fact]
    public async Task Reads_from_a_stream_with_a_byte_order_mark()
    {
        using var stream = new MemoryStream([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("{\"Name\": \"from-stream\"}")]);

        var job = await JobSpecReader.ReadAsync(stream);

        Assert.Equal("from-stream", job.Name);
    }

    [Theory]
    [InlineData("Count: abc", "Count: expected an integer, got \"abc\"")]
    [InlineData("count: 2.5", "Count: expected an integer, got 2.5")]
    [InlineData("Tasks: abc", "Tasks: expected a list, got \"abc\"")]
    [InlineData("Labels: [a, b]", "Labels: expected a mapping, got a list")]
    [InlineData("tasks: [{timeouts: {executionTimeout: soon}}]", "Tasks[0].Timeouts.ExecutionTimeout: expected an integer, got \"soon\"")]
    [InlineData("Tasks: [{Engine: {Type: [docker]}}]", "Tasks[0].Engine.Type: expected a string, got a list")]
    [InlineData("Tasks: [{Env: {HOME: {a: 1}}}]", "Tasks[0].Env.HOME: expected a string, got a mapping")]
    [InlineData("{\"Count\": \"abc\"}", "Count: expected an integer, got \"abc\"")]
    [InlineData("{\"tasks\": [{\"engine\": 5}]}", "Tasks[0].Engine: expected a mapping, got 5")]
    public void Wrong_types_name_the_field_the_expectation_and_the_value(string spec, string message)
    {
        var ex = Assert.Throws<JobSpecException>(() => JobSpecReader.Read(spec));

        Assert.Equal(message, ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n\t\n")]
    [InlineData("# only a comment\n")]
    [InlineData("~")]
    [InlineData("---\n")]
    public void Empty_specs_are_refused_as_empty(string spec)
    {
        var ex = Assert.Throws<JobSpecException>(() => JobSpecReader.Read(spec));

        Assert.Equal("the spec is empty", ex.Message);
    }

    [Theory]
    [InlineData("Name: a\nTasks:\n  - Name: [unclosed\n", "invalid YAML at line 4, column 1: ")]
    [InlineData("Name: a\n  Type: batch\n", "invalid YAML at line 2, column ")]
    [InlineData("Name: a\nName: b\n", "invalid YAML at line 2, column 1: Duplicate key")]
    [InlineData("Name: a\n---\nName: b\n", "invalid YAML at line 3: the spec holds more than one document")]
    [InlineData("{\n  \"Name\": \"a\",\n  \"Type\": batch\n}", "invalid JSON at line 3, column 11: ")]
    [InlineData("{\"Name\": \"a\", \"Name\": \"b\"}", "invalid JSON: Duplicate property 'Name'")]
    [InlineData("- Name: a\n", "the spec must be a mapping of job fields, not a list")]
    [InlineData("just words", "the spec must be a mapping of job fields, not a single value")]
    [InlineData("Name: a\nname: b\n", "Name: given twice, as 'Name' and 'name' (field names ignore case)")]
    [InlineData("Tasks:\n  - \n", "Tasks[0]: the list item is empty")]
    public void Malformed_specs_say_where(string spec, string messageStart)
    {
        var ex = Assert.Throws<JobSpecException>(() => JobSpecReader.Read(spec));

        Assert.StartsWith(messageStart, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Idx:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Alias_expansion_is_bounded()
    {
        var spec = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 10; i++)
        {
            spec.Append(Level(i)).Append('\n');
        }

        var ex = Assert.Throws<JobSpecException>(() => JobSpecReader.Read(spec.ToString()));

        Assert.Contains("expands to more than", ex.Message, StringComparison.Ordinal);

        static string Level(int i) => $"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]";
    }

    [Fact]
    public void A_spec_near_the_api_body_limit_is_read_without_renting_body_sized_arrays_from_the_shared_pools()
    {
        var spec = $$"""{"Name": "{{new string('n', 1_000_000)}}", "Tasks": [{"Name": "main", "Engine": {"Type": "noop", "Params": {"Count": 1.10} } }]}""";
        using var rents = new SharedPoolRents();

        var job = JobSpecReader.Read(spec);

        Assert.Equal(1_000_000, job.Name.Length);
        Assert.True(job.Tasks[0].Engine.TryGetParam("Count", out var count));
        Assert.Equal("1.10", count.GetRawText());
        Assert.Empty(rents.Large);
    }

    private static string Serialize(Contracts.Models.Jobs.Job job) => JsonSerializer.Serialize(job, Contracts.Serialization.BacalhauJsonContext.Default.Job);
}

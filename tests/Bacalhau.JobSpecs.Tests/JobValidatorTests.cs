
namespace Bacalhau.JobSpecs.Tests;

public sealed class JobValidatorTests
{
    private const string Docker = "{Type: docker, Params: {Image: busybox}}";

    [Theory]
    [InlineData("Type: cron", "", Docker, "Type: unknown job type 'cron'; supported job types: batch, service, ops, daemon")]
    [InlineData("Count: -1", "", Docker, "Count: must not be negative")]
    [InlineData("Type: daemon\nCount: 3", "", Docker, "Count: must not be greater than 1 for daemon jobs, which run once on every matching node")]
    [InlineData("Type: OPS\nCount: 2", "", Docker, "Count: must not be greater than 1 for ops jobs, which run once on every matching node")]
    [InlineData("Namespace: a.b", "", Docker, "Namespace: 'a.b' must be letters, digits, '-' and '_' only")]
    [InlineData("Constraints: [{Operator: '=', Values: [x]}]", "", Docker, "Constraints[0].Key: required")]
    [InlineData("Constraints: [{Key: k, Operator: like, Values: [x]}]", "", Docker, "Constraints[0].Operator: unknown operator 'like'; supported operators: =, ==, !=, in, notin, exists, !, gt, lt")]
    [InlineData("Constraints: [{Key: k, Operator: in}]", "", Docker, "Constraints[0].Values: 'in' needs at least one value")]
    [InlineData("Constraints: [{Key: k, Operator: exists, Values: [x]}]", "", Docker, "Constraints[0].Values: 'exists' takes no values, got 1")]
    [InlineData("Constraints: [{Key: k, Operator: '=', Values: [a, b]}]", "", Docker, "Constraints[0].Values: '=' needs exactly one value, got 2")]
    [InlineData("Constraints: [{Key: k, Operator: GT, Values: [abc]}]", "", Docker, "Constraints[0].Values[0]: 'gt' compares integers, got 'abc'")]
    [InlineData("", "Publisher: {Type: s3, Params: {Key: k}}", Docker, "Tasks[0].Publisher: Params.Bucket: required, the bucket to publish to")]
    [InlineData("", "Publisher: {Type: s3, Params: {Bucket: b}}", Docker, "Tasks[0].Publisher: Params.Key: required, the object key (or prefix) to publish under; may hold {jobID}, {executionID}, {nodeID}, {date}, {time}")]
    [InlineData("", "Publisher: {Type: s3, Params: {Bucket: b, Key: k, Encoding: zip}}", Docker, "Tasks[0].Publisher: Params.Encoding: 'zip' is neither gzip nor plain")]
    [InlineData("", "Publisher: {Type: S3, Params: {bucket: b, key: k, Endpoint: 'ftp://x'}}", Docker, "Tasks[0].Publisher: Params.Endpoint: 'ftp://x' is not an http(s) URL")]
    [InlineData("", "Publisher: {Type: ftp}", Docker, "Tasks[0].Publisher.Type: unknown publisher 'ftp'; supported publishers: ipfs, local, noop, s3")]
    [InlineData("", "InputSources: [{Target: /in, Source: {Type: s3}}]", Docker, "Tasks[0].InputSources[0].Source: Params.Bucket: required, the bucket to read from")]
    [InlineData("", "InputSources: [{Target: /in, Source: {Type: s3, Params: {Bucket: [b]}}}]", Docker, "Tasks[0].InputSources[0].Source: Params.Bucket: expected a string")]
    [InlineData("", "InputSources: [{Target: /in, Source: {Type: s3, Params: {Bucket: b, Filter: '('}}}]", Docker, "Tasks[0].InputSources[0].Source: Params.Filter: not a regular expression (Invalid pattern '(' at offset 1. Not enough )'s.)")]
    [InlineData("", "InputSources: [{Target: /in, Source: {Type: ftp}}]", Docker, "Tasks[0].InputSources[0].Source.Type: unknown source 'ftp'; supported sources: inline, ipfs, local, s3, urlDownload")]
    [InlineData("", "InputSources: [{Target: data, Source: {Type: urlDownload}}]", Docker, "Tasks[0].InputSources[0].Target: must be an absolute path, got 'data'")]
    [InlineData("", "InputSources: [{Source: {Type: inline}}]", Docker, "Tasks[0].InputSources[0].Target: required")]
    [InlineData("", "ResultPaths: [{Path: /out}]", Docker, "Tasks[0].ResultPaths[0].Name: required")]
    [InlineData("", "ResultPaths: [{Name: o, Path: out}]", Docker, "Tasks[0].ResultPaths[0].Path: must be an absolute path, got 'out'")]
    [InlineData("", "ResultPaths: [{Name: o, Path: /a}, {Name: o, Path: /b}]", Docker, "Tasks[0].ResultPaths[1].Name: 'o' names another result path too; names must be unique")]
    [InlineData("", "Resources: {Memory: lots}", Docker, "Tasks[0].Resources.Memory: 'lots' is not a size such as 512Mi, 1GiB, 1Gb or 1073741824")]
    [InlineData("", "Resources: {CPU: -1}", Docker, "Tasks[0].Resources.CPU: '-1' is not a number of cores such as 1, 0.5 or 500m")]
    [InlineData("", "Timeouts: {ExecutionTimeout: -5}", Docker, "Tasks[0].Timeouts.ExecutionTimeout: must not be negative")]
    [InlineData("", "Network: {Type: Bridge}", Docker, "Tasks[0].Network.Type: unknown network type 'Bridge'; supported network types: None, Host, Full, HTTP")]
    [InlineData("", "", "{Params: {Image: busybox}}", "Tasks[0].Engine.Type: required; supported engines: docker, noop, wasm")]
    [InlineData("", "", "{Type: docker}", "Tasks[0].Engine.Params.Image: required for docker tasks: the image to run, such as ubuntu:24.04")]
    [InlineData("", "", "{Type: docker, Params: {Image: [busybox]}}", "Tasks[0].Engine.Params.Image: required for docker tasks: the image to run, such as ubuntu:24.04")]
    [InlineData("", "", "{Type: wasm, Params: {EntryModule: 7}}", "Tasks[0].Engine.Params.EntryModule: required for wasm tasks: the path of the module to run, or a legacy input source mapping")]
    public void Each_broken_rule_is_reported_under_its_field(string jobLines, string taskLine, string engine, string error)
    {
        Assert.Equal([error], Specs.Errors(Spec(jobLines, taskLine, engine)));
    }

    [Theory]
    [InlineData("Type: ops\nCount: 1", "", Docker)]
    [InlineData("Type: service\nCount: 5\nNamespace: team_a-1", "", Docker)]
    [InlineData("Constraints: [{Key: zone, Operator: NotIn, Values: [a, b]}, {Key: gpu, Operator: '!'}, {Key: cores, Operator: lt, Values: [-3]}]", "", Docker)]
    [InlineData("", "Network: {Type: full}", Docker)]
    [InlineData("", "Publisher: {Type: Local}\nResultPaths: [{Name: a, Path: /a}, {Name: b, Path: /b}]", Docker)]
    [InlineData("", "InputSources: [{Target: /in, Source: {Type: URLDownload, Params: {URL: 'https://example.com/x'}}}]", Docker)]
    [InlineData("", "Resources: {CPU: 500m, Memory: 1Gi, Disk: 10GB, GPU: 1}\nTimeouts: {ExecutionTimeout: 60, QueueTimeout: 0}", Docker)]
    [InlineData("", "", "{Type: docker, Params: {image: busybox}}")]
    [InlineData("", "", "{Type: wasm, Params: {EntryModule: {Source: {Type: inline}}}}")]
    [InlineData("", "", "{Type: noop}")]
    public void Valid_specs_have_no_errors(string jobLines, string taskLine, string engine)
    {
        Assert.Empty(Specs.Errors(Spec(jobLines, taskLine, engine)));
    }

    [Fact]
    public void A_job_needs_exactly_one_task()
    {
        Assert.Equal(["Tasks: a job needs exactly one task, got 0"], Specs.Errors("Name: j"));
        Assert.Equal(
            ["Tasks: a job needs exactly one task, got 2"],
            Specs.Errors("Tasks: [{Engine: {Type: noop}}, {Engine: {Type: noop}}]"));
    }

    [Fact]
    public void A_job_needs_a_name_or_an_id_to_take_it_from()
    {
        var errors = JobValidator.Validate(JobDefaults.Apply(JobSpecReader.Read(Specs.Conformance("nameless.yaml"))));

        Assert.Equal(["Name: required (a job without a name is named after its ID)"], errors);
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var ex = Assert.Throws<JobSpecValidationException>(() => JobValidator.ThrowIfInvalid(JobDefaults.Apply(JobSpecReader.Read(
            Spec("Count: -1", "Publisher: {Type: s3}", "{Type: flibble}")) with { ID = Specs.JobId })));

        Assert.Equal(
            [
                "Count: must not be negative",
                "Tasks[0].Engine.Type: unknown engine 'flibble'; supported engines: docker, noop, wasm",
                "Tasks[0].Publisher: Params.Bucket: required, the bucket to publish to; Params.Key: required, the object key (or prefix) to publish under; may hold {jobID}, {executionID}, {nodeID}, {date}, {time}",
            ],
            ex.Errors);
        Assert.Equal(string.Join("; ", ex.Errors), ex.Message);
    }

    // A one-task job; the task lines are indented under the task, multi-line values separated by \n.
    private static string Spec(string jobLines, string taskLines, string engine) => $"""
        Name: j
        {jobLines}
        Tasks:
          - Name: main
            Engine: {engine}
            {taskLines.Replace("\n", "\n    ", StringComparison.Ordinal)}
        """;
}

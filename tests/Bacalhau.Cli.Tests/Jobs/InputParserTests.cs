using Bacalhau.Cli.Commands;
using Bacalhau.Cli.Jobs;
using Bacalhau.Cli.Tests.Infrastructure;

namespace Bacalhau.Cli.Tests.Jobs;

/// <summary><c>-i/--input</c> in each of Bacalhau's forms, turned into the input source Bacalhau would send.</summary>
public sealed class InputParserTests
{
    private static readonly string Cid = Identity.Content.Cid.ForRaw("a result"u8).ToString();

    public static TheoryData<string, string, string, string, string> Forms => new()
    {
        // value, source type, its parameter, the parameter's value, target
        { $"ipfs://{Cid}", "ipfs", "CID", Cid, "/inputs" },
        { $"ipfs://{Cid}:/data", "ipfs", "CID", Cid, "/data" },
        { $"src=ipfs://{Cid},dst=/data/in", "ipfs", "CID", Cid, "/data/in" },
        { $"ipfs://{Cid},dst=/data", "ipfs", "CID", Cid, "/data" },
        { "https://example.com/a.csv", "urlDownload", "URL", "https://example.com/a.csv", "/inputs" },
        { "https://example.com:8080/a.csv", "urlDownload", "URL", "https://example.com:8080/a.csv", "/inputs" },
        { "https://example.com:8080/a.csv:/in/a.csv", "urlDownload", "URL", "https://example.com:8080/a.csv", "/in/a.csv" },
        { "http://example.com/q?a=b", "urlDownload", "URL", "http://example.com/q?a=b", "/inputs" },
        { "source=http://example.com/q?a=b,target=/in/q", "urlDownload", "URL", "http://example.com/q?a=b", "/in/q" },
        { "file:///data/in", "local", "SourcePath", "/data/in", "/inputs" },
        { "file:///data/my%20in:/mnt/in", "local", "SourcePath", "/data/my in", "/mnt/in" },
        { "data:text/plain,hello, world", "inline", "URL", "data:text/plain,hello, world", "/inputs" },
        { "src=\"data:text/plain;base64,aGk=\",dst=/in/hi.txt", "inline", "URL", "data:text/plain;base64,aGk=", "/in/hi.txt" },
        { "\"src=data:text/plain,a \"\"b\"\" c\",dst=/in/b.txt", "inline", "URL", "data:text/plain,a \"b\" c", "/in/b.txt" },
        { "s3://bucket/dir/a.csv", "s3", "Key", "dir/a.csv", "/inputs" },
        { "s3://bucket/dir/:/data", "s3", "Key", "dir/", "/data" },
        { "src=s3://bucket/dir/file-*,dst=/data,opt=region=eu-west-1", "s3", "Region", "eu-west-1", "/data" },
    };

    [Fact]
    public void An_s3_input_takes_bacalhaus_options()
    {
        var input = InputParser.Parse("src=s3://bucket/a/b.txt,dst=/in,opt=endpoint=http://127.0.0.1:9000,opt=region=eu-west-1,opt=version-id=v1,opt=checksum-256=abc=,opt=filter=.*\\.txt");

        Assert.Equal(("s3", "s3://bucket/a/b.txt", "/in"), (input.Source.Type, input.Alias, input.Target));
        Assert.Equal(
            new Dictionary<string, string> { ["Bucket"] = "bucket", ["Key"] = "a/b.txt", ["Endpoint"] = "http://127.0.0.1:9000", ["Region"] = "eu-west-1", ["VersionID"] = "v1", ["ChecksumSHA256"] = "abc=", ["Filter"] = ".*\\.txt" },
            input.Source.Params.ToDictionary(p => p.Key, p => p.Value.GetString()!));
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Each_form_becomes_the_source_bacalhau_sends(string value, string type, string parameter, string expected, string target)
    {
        var input = InputParser.Parse(value);

        Assert.Equal(type, input.Source.Type);
        Assert.Equal(expected, input.Source.Params[parameter].GetString());
        Assert.Equal(target, input.Target);
    }

    [Fact]
    public void A_file_input_takes_the_read_write_option_and_is_named_by_its_uri()
    {
        var input = InputParser.Parse("src=file:///data/in,dst=/mnt/in,opt=rw=true");

        Assert.Equal(("local", "file:///data/in", "/mnt/in"), (input.Source.Type, input.Alias, input.Target));
        Assert.Equal(["SourcePath", "ReadWrite"], input.Source.Params.Keys);
        Assert.True(input.Source.Params["ReadWrite"].GetBoolean());
        Assert.False(InputParser.Parse("file:///data/in,opt=read-write=f").Source.Params["ReadWrite"].GetBoolean());
    }

    [Theory]
    [InlineData("ftp://example.com/a", "unknown scheme 'ftp'")]
    [InlineData("/data/in", "'/data/in' has no scheme")]
    [InlineData("s3://bucket/key,opt=acl=x", "unknown option 'acl' for s3 inputs")]
    [InlineData("s3:///key", "Params.Bucket: required")]
    [InlineData("s3://b/k,opt=endpoint=ftp://x", "Params.Endpoint: 'ftp://x' is not an http(s) URL")]
    [InlineData("ipfs://not-a-cid", "'not-a-cid' is not a CID")]
    [InlineData("ipfs://{cid}/sub/path", "a whole CID")]
    [InlineData("ipfs://{cid},dst=inputs", "dst must be an absolute path")]
    [InlineData("ipfs://{cid}:inputs", "dst must be an absolute path")]
    [InlineData("ipfs://{cid},dst=/in/../etc", "dst must be a normalised absolute path")]
    [InlineData("ipfs://{cid},dst=/", "dst must not be the root")]
    [InlineData("ipfs://{cid},dst=", "dst required")]
    [InlineData("dst=/in", "no source URI")]
    [InlineData("", "no source URI")]
    [InlineData("ipfs://{cid},extra", "'extra' is not a key=value pair")]
    [InlineData("ipfs://{cid},flavour=x", "unknown key 'flavour'")]
    [InlineData("ipfs://{cid},opt=novalue", "'opt=novalue' is not opt=key=value")]
    [InlineData("https://example.com/a,opt=k=v", "https inputs take no options")]
    [InlineData("file://relative/in", "needs an absolute path")]
    [InlineData("file:///in,opt=colour=red", "unknown option 'colour'")]
    [InlineData("file:///in,opt=rw=maybe", "'maybe' is not true or false")]
    [InlineData("src=\"ipfs://x", "a quote is never closed")]
    [InlineData("src=\"ipfs://x\"y", "text after a closing quote")]
    [InlineData("src=ip\"fs://x", "a quote inside an unquoted field")]
    [InlineData("data:text/plain", "needs a ','")]
    public void A_bad_input_says_what_is_wrong(string value, string problem)
    {
        var error = Assert.Throws<CliException>(() => InputParser.Parse(value.Replace("{cid}", Cid, StringComparison.Ordinal)));

        Assert.StartsWith("invalid input '", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Docker_run_mounts_every_input_given()
    {
        var parse = Parse("docker", "run", "-i", $"ipfs://{Cid}", "--input", "https://example.com/a.csv:/in/a.csv", "busybox", "--", "ls", "/inputs");

        var job = ((DockerRunCommand)parse.CommandResult.Command).BuildJob(parse);

        var task = Assert.Single(job.Tasks);
        Assert.Equal([("ipfs", "/inputs"), ("urlDownload", "/in/a.csv")], task.InputSources.Select(i => (i.Source.Type, i.Target)));
        Assert.Equal("busybox", task.Engine.Params["Image"].GetString());
    }

    [Fact]
    public void Wasm_run_mounts_the_inputs_after_its_module()
    {
        var parse = Parse("wasm", "run", "-i", "data:,x", "https://example.com/main.wasm");

        var job = ((WasmRunCommand)parse.CommandResult.Command).BuildJob(parse);

        var task = Assert.Single(job.Tasks);
        Assert.Equal([("urlDownload", "/main.wasm"), ("inline", "/inputs")], task.InputSources.Select(i => (i.Source.Type, i.Target)));
    }

    [Fact]
    public async Task The_command_refuses_a_bad_input_in_one_line_before_contacting_anyone()
    {
        var dataDir = Directory.CreateTempSubdirectory("bacalhau-cli-input-").FullName;
        try
        {
            // Port 9 is closed: had it tried to submit, the error would be about the connection.
            var run = await CliProcess.RunAsync(dataDir, "docker", "run", "-i", "ftp://example.com/a", "busybox", "--api-port", "9");

            Assert.NotEqual(0, run.ExitCode);
            Assert.StartsWith("Error: invalid input 'ftp://example.com/a': unknown scheme 'ftp'", run.Stderr, StringComparison.Ordinal);
            Assert.Single(run.Stderr.Trim().Split('\n'));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static System.CommandLine.ParseResult Parse(params string[] args)
    {
        var parse = BacalhauCli.CreateRootCommand(new GlobalOptions()).Parse(args);
        Assert.Empty(parse.Errors);
        return parse;
    }
}

using System.Text.Json;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.JobSpecs.S3;

namespace Bacalhau.JobSpecs.Tests.S3;

/// <summary>The keys an <c>s3</c> publisher writes under, as Bacalhau makes them.</summary>
public sealed class S3PublisherSpecTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 5, 6, 7, TimeSpan.FromHours(2));

    [Theory]
    [InlineData("results/{jobID}/{executionID}", "", "results/j-1/e-2.tar.gz")]
    [InlineData("results/{nodeID}-{date}-{time}.tar.gz", "gzip", "results/n-3-20260304-030607.tar.gz")]
    [InlineData("{jobID}/{jobID}", "plain", "j-1/j-1/")]
    [InlineData("out/", "PLAIN", "out/")]
    [InlineData("{unknown}", "", "{unknown}.tar.gz")]
    public void Placeholders_are_filled_in_and_the_encoding_ends_the_key(string key, string encoding, string expected)
    {
        var spec = S3PublisherSpec.Parse(Spec(("Bucket", "b"), ("Key", key), ("Encoding", encoding)));

        Assert.Equal(expected, spec.KeyFor("j-1", "e-2", "n-3", Now));
    }

    [Fact]
    public void Params_are_read_in_any_case_as_bacalhaus_cli_writes_them()
    {
        var spec = S3PublisherSpec.Parse(Spec(("bucket", "b"), ("key", "k"), ("region", "eu-west-1"), ("endpoint", "https://s3.example.com")));

        Assert.Equal(new S3PublisherSpec("b", "k", "https://s3.example.com", "eu-west-1", ""), spec);
        Assert.False(spec.IsPlain);
    }

    [Fact]
    public void A_published_result_reads_back_as_the_source_of_its_key()
    {
        var published = new S3SourceSpec("b", "r/e-2.tar.gz", "", "eu-west-1", "", "v1", "c2hhMjU2").ToSpecConfig();

        Assert.Equal(SourceTypes.S3, published.Type);
        Assert.Equal(["Bucket", "Key", "Filter", "Region", "Endpoint", "VersionID", "ChecksumSHA256"], published.Params.Keys);
        var source = S3SourceSpec.Parse(published);
        Assert.Equal(("b", "r/e-2.tar.gz", "v1", "c2hhMjU2"), (source.Bucket, source.Key, source.VersionID, source.ChecksumSHA256));
        Assert.False(source.IsPrefix);
    }

    [Theory]
    [InlineData("data/", true, "data/")]
    [InlineData("data/file-*", true, "data/file-")]
    [InlineData("", true, "")]
    [InlineData("data/a.csv", false, "data/a.csv")]
    public void A_key_ending_with_a_slash_or_a_star_is_a_prefix(string key, bool isPrefix, string prefix)
    {
        var source = S3SourceSpec.Parse(Spec(("Bucket", "b"), ("Key", key)));

        Assert.Equal((isPrefix, prefix), (source.IsPrefix, source.Prefix));
    }

    [Fact]
    public void Overlong_or_control_character_params_are_refused_without_being_quoted()
    {
        var problem = S3SourceSpec.Problem(Spec(("Bucket", "b"), ("Key", new string('k', 3000))));

        Assert.Equal("Params.Key: expected at most 2048 characters and no control characters", problem);
        Assert.Equal("Params.Region: expected at most 2048 characters and no control characters", S3PublisherSpec.Problem(Spec(("Bucket", "b"), ("Key", "k"), ("Region", "eu\n"))));
    }

    private static SpecConfig Spec(params (string Name, string Value)[] parameters) => new()
    {
        Type = "s3",
        Params = parameters.ToDictionary(p => p.Name, p => JsonSerializer.SerializeToElement(p.Value, Contracts.Serialization.BacalhauJsonContext.Default.String)),
    };
}

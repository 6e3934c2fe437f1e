using System.Text.Json;
using Bacalhau.Compute.Inputs;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.JobSpecs.S3;

namespace Bacalhau.Compute.Tests.Inputs;

/// <summary>Where the objects of an <c>s3</c> input land: laid out as Bacalhau lays them out, never outside the input's directory.</summary>
public sealed class S3SourceTests
{
    private const string Directory = "/work/inputs/0/in";

    [Theory]
    [InlineData("data/a.csv", "data/a.csv", "a.csv")]
    [InlineData("data/", "data/a.csv", "a.csv")]
    [InlineData("data/", "data/sub/b.csv", "sub/b.csv")]
    [InlineData("data/file-*", "data/file-001.txt", "file-001.txt")]
    [InlineData("", "top.txt", "top.txt")]
    [InlineData("a.txt", "a.txt", "a.txt")]
    public void An_object_lands_under_its_key_less_the_folder_asked_for(string key, string objectKey, string relative) =>
        Assert.Equal(Path.Combine(Directory, relative), S3Source.LocalPath(Directory, Spec(key), objectKey));

    [Theory]
    [InlineData("data/", "data/../../etc/passwd")]
    [InlineData("data/", "data/a//b")]
    [InlineData("data/", "data/./a")]
    [InlineData("", "/etc/passwd")]
    [InlineData("data/", "data/a\\..\\b")]
    [InlineData("data/", "data/a\nb")]
    public void A_key_that_would_leave_the_directory_fails_naming_it(string key, string objectKey)
    {
        var error = Assert.Throws<InputException>(() => S3Source.LocalPath(Directory, Spec(key), objectKey));

        Assert.Equal($"s3: the object key '{objectKey}' would not stay inside the input directory", error.Message);
    }

    private static S3SourceSpec Spec(string key) => S3SourceSpec.Parse(new SpecConfig
    {
        Type = SourceTypes.S3,
        Params = { ["Bucket"] = JsonSerializer.SerializeToElement("b", Contracts.Serialization.BacalhauJsonContext.Default.String), ["Key"] = JsonSerializer.SerializeToElement(key, Contracts.Serialization.BacalhauJsonContext.Default.String) },
    });
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bacalhau.JobSpecs.Tests;

public sealed class SpecJsonTests
{
    [Fact]
    public void Comments_and_trailing_commas_are_allowed_and_numbers_stay_as_written()
    {
        var root = Assert.IsType<JsonObject>(SpecJson.Parse("""
            // a job
            {"Count": 12345678901234567890123, "Version": 1.10, "Tasks": [{"Name": "a", "Env": null,},], "On": true, /* more */}
            """u8));

        Assert.Equal("12345678901234567890123", root["Count"]!.ToJsonString());
        Assert.Equal("1.10", root["Version"]!.ToJsonString());
        Assert.Equal("""[{"Name":"a","Env":null}]""", root["Tasks"]!.ToJsonString());
        Assert.True(root["On"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("""{"Name": "a", "Name": "b"}""", "Duplicate property 'Name'")]
    [InlineData("""{"Tasks": [{"Name": "a", "Name": "b"}]}""", "Duplicate property 'Name'")]
    [InlineData("""{"Name": "a"} {"Name": "b"}""", "is invalid after a single JSON value")]
    [InlineData("", "does not contain any JSON tokens")]
    [InlineData("""{"Name": """, "")]
    public void Malformed_json_is_refused(string json, string reason)
    {
        var ex = Assert.ThrowsAny<JsonException>(() => SpecJson.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_deeper_than_64_levels_is_refused()
    {
        Assert.NotNull(SpecJson.Parse(Encoding.ASCII.GetBytes(new string('[', 64) + new string(']', 64))));

        var ex = Assert.ThrowsAny<JsonException>(() => SpecJson.Parse(Encoding.ASCII.GetBytes(new string('[', 65) + new string(']', 65))));

        Assert.Contains("maximum configured depth of 64", ex.Message, StringComparison.Ordinal);
    }
}

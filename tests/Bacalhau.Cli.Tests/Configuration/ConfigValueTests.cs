using Bacalhau.Cli.Configuration;

namespace Bacalhau.Cli.Tests.Configuration;

public sealed class ConfigValueTests
{
    [Theory]
    [InlineData("Compute.Heartbeat.Interval", "15s", "00:00:15")]
    [InlineData("Compute.Heartbeat.Interval", "1m30s", "00:01:30")]
    [InlineData("Compute.Heartbeat.Interval", "500ms", "00:00:00.5000000")]
    [InlineData("Orchestrator.NodeManager.DisconnectTimeout", "00:02:00", "00:02:00")]
    [InlineData("API.Port", "8080", "8080")]
    [InlineData("Orchestrator.NodeManager.ManualApproval", "True", "true")]
    [InlineData("Compute.Orchestrators", "a:1, t@b:2", "a:1,t@b:2")]
    public void Valid_values_land_in_the_form_dotnet_options_bind(string key, string raw, string bound)
    {
        var value = ConfigValue.Parse(ConfigKeys.Get(key), raw);

        var entry = Assert.Single(value.ToConfiguration());
        Assert.Equal(key.Replace('.', ':'), entry.Key);
        Assert.Equal(bound, entry.Value);
    }

    [Fact]
    public void A_map_becomes_one_entry_per_key()
    {
        var value = ConfigValue.Parse(ConfigKeys.Labels, "zone=eu, gpu=none");

        Assert.Equal(
            new Dictionary<string, string?> { ["Labels:zone"] = "eu", ["Labels:gpu"] = "none" },
            value.ToConfiguration().ToDictionary(p => p.Key, p => p.Value));
    }

    [Theory]
    [InlineData("API.Port", "0", "a port number (1-65535)")]
    [InlineData("API.Port", "65536", "a port number (1-65535)")]
    [InlineData("API.Port", "http", "a port number (1-65535)")]
    [InlineData("Compute.Enabled", "yes", "true or false")]
    [InlineData("Compute.Heartbeat.Interval", "soon", "a duration")]
    [InlineData("Compute.Heartbeat.Interval", "15", "a duration")]
    [InlineData("Labels", "zone", "key=value pairs")]
    public void A_bad_value_names_the_key_and_the_expected_type(string key, string raw, string expected)
    {
        var error = Assert.Throws<CliException>(() => ConfigValue.Parse(ConfigKeys.Get(key), raw));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Contains($"expected {expected}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_are_found_in_any_casing_and_unknown_keys_are_refused()
    {
        Assert.Same(ConfigKeys.ComputeAuthToken, ConfigKeys.Get("compute.auth.TOKEN"));

        var error = Assert.Throws<CliException>(() => ConfigKeys.Get("Compute.Auth.Tokn"));
        Assert.Equal("unknown config key 'Compute.Auth.Tokn'; see `bacalhau config list`", error.Message);
    }
}

using System.Collections;
using Bacalhau.Cli.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bacalhau.Cli.Tests.Configuration;

/// <summary>One rule for a key wherever it is named: ours is applied, Bacalhau's other keys are warned of, anything else is an error.</summary>
public sealed class BacalhauKeysTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("bacalhau-cli-keys-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public void Every_key_of_Bacalhau_is_either_applied_or_accepted_as_not_applied()
    {
        var keys = BacalhauKeys.All.Select(name => ConfigKeys.Get(name)).ToList();

        Assert.Contains(keys, k => k.Name == "Compute.AllocatedCapacity.CPU" && k.Applied);
        Assert.Contains(keys, k => k.Name == "JobDefaults.Ops.Task.Publisher.Type" && k.Applied);
        Assert.Contains(keys, k => k.Name == "Orchestrator.EvaluationBroker.MaxRetryCount" && !k.Applied);
        Assert.Equal("unknown config key 'Compute.AllocatedCapacity.CPUs'; see `bacalhau config list`", Assert.Throws<CliException>(() => ConfigKeys.Get("Compute.AllocatedCapacity.CPUs")).Message);
    }

    [Fact]
    public void Not_applied_keys_from_a_file_a_flag_a_dash_c_value_and_the_environment_are_warned_of_and_not_handed_on()
    {
        File.WriteAllText(Path.Combine(_dataDir, ConfigFile.DefaultFileName), "WebUI:\n  Enabled: true\nCompute:\n  AllocatedCapacity:\n    CPU: 50%\n");
        var environment = new Hashtable { ["BACALHAU_UPDATECONFIG_INTERVAL"] = "1h", ["BACALHAU_DOCKERD_PID"] = "1" };

        var settings = CliSettings.Load(
            new CliSettingsInput(_dataDir, ["DisableAnalytics=true"], ConfigFlags.Parse(["--StrictVersionMatch", "--Logging.Mode=json"])),
            environment);

        Assert.Equal(
            ["DisableAnalytics", "StrictVersionMatch", "WebUI.Enabled", "UpdateConfig.Interval"],
            settings.Warnings.Select(w => w.Split('\'')[1]));
        var configuration = settings.AddTo(new ConfigurationBuilder()).Build();
        Assert.Equal("50%", configuration["Compute:AllocatedCapacity:CPU"]);
        Assert.Equal("json", configuration["Logging:Mode"]);
        Assert.Null(configuration["WebUI:Enabled"]);
        Assert.Null(configuration["StrictVersionMatch"]);
    }

    [Fact]
    public void Bacalhau_s_local_publisher_keys_set_the_same_setting_as_ours()
    {
        var configuration = CliSettings.Load(new CliSettingsInput(_dataDir, ["Publishers.Types.Local.Port=6001", "Publishers.Types.Local.Address=10.0.0.7"], []), new Hashtable())
            .AddTo(new ConfigurationBuilder()).Build();

        Assert.Equal("6001", configuration["Compute:Publishers:Local:Port"]);
        Assert.Equal("10.0.0.7", configuration["Compute:Publishers:Local:Address"]);
    }

    [Theory]
    [InlineData("Compute.AllocatedCapacity.CPU", "85%", "85%")]
    [InlineData("Compute.AllocatedCapacity.CPU", "500m", "500m")]
    [InlineData("Compute.AllocatedCapacity.Memory", "4Gi", "4Gi")]
    [InlineData("Compute.AllocatedCapacity.GPU", "2", "2")]
    [InlineData("Logging.Level", "DEBUG", "debug")]
    [InlineData("JobDefaults.Service.Task.Resources.CPU", "250m", "250m")]
    public void Bacalhau_s_values_parse(string name, string raw, string text) =>
        Assert.Equal(text, ConfigValue.Parse(ConfigKeys.Get(name), raw).Text);

    [Theory]
    [InlineData("Compute.AllocatedCapacity.CPU", "abc")]
    [InlineData("Compute.AllocatedCapacity.CPU", "120%")]
    [InlineData("Compute.AllocatedCapacity.Memory", "0")]
    [InlineData("Compute.AllocatedCapacity.GPU", "1.5")]
    [InlineData("Logging.Mode", "xml")]
    [InlineData("JobDefaults.Batch.Task.Resources.GPU", "two")]
    public void Bad_values_name_the_key(string name, string raw)
    {
        var error = Assert.Throws<CliException>(() => ConfigValue.Parse(ConfigKeys.Get(name), raw));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }
}

using System.Collections;
using Bacalhau.Cli.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bacalhau.Cli.Tests.Configuration;

public sealed class CliSettingsTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("bacalhau-cli-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public void A_flag_beats_the_environment_which_beats_the_file_which_beats_the_default()
    {
        WriteConfigFile("API:\n  Port: 1000\n  Host: file-host\nCompute:\n  Auth:\n    Token: from-file\n");
        var environment = new Hashtable { ["BACALHAU_API_PORT"] = "2000", ["BACALHAU_COMPUTE_AUTH_TOKEN"] = "from-env" };

        var settings = Load(environment, flags: [(ConfigKeys.ApiPort, "3000")]);

        Assert.Equal(("3000", ConfigSource.Flag), Describe(settings, ConfigKeys.ApiPort));
        Assert.Equal(("from-env", ConfigSource.Environment), Describe(settings, ConfigKeys.ComputeAuthToken));
        Assert.Equal(("file-host", ConfigSource.File), Describe(settings, ConfigKeys.ApiHost));
        Assert.Equal(("4222", ConfigSource.Default), Describe(settings, ConfigKeys.OrchestratorPort));
    }

    [Fact]
    public void Config_values_given_with_dash_c_count_as_flags_and_later_ones_win()
    {
        WriteConfigFile("Compute:\n  Orchestrators:\n  - a:1\n  - b:2\n");

        var settings = Load(new Hashtable { ["BACALHAU_COMPUTE_ORCHESTRATORS"] = "env:3" }, config: ["compute.orchestrators=c:4", "Compute.Orchestrators=d:5"]);

        Assert.Equal(("d:5", ConfigSource.Flag), Describe(settings, ConfigKeys.ComputeOrchestrators));
    }

    [Fact]
    public void A_config_file_given_with_dash_c_replaces_the_default_one()
    {
        WriteConfigFile("Compute:\n  Auth:\n    Token: default-file\n");
        var other = Path.Combine(_dataDir, "other.yaml");
        File.WriteAllText(other, "Compute:\n  Auth:\n    Token: other-file\n");

        var settings = Load(new Hashtable(), config: [other]);

        Assert.Equal("other-file", settings.Get(ConfigKeys.ComputeAuthToken));
        Assert.Equal([other], settings.Files);
    }

    [Fact]
    public void Every_layer_lands_in_one_configuration_in_dotnet_form()
    {
        WriteConfigFile("Compute:\n  Orchestrators:\n  - a:1\n  - b:2\n  Heartbeat:\n    Interval: 2s\nLabels:\n  zone: eu\n");
        var settings = Load(new Hashtable(), flags: [(ConfigKeys.ComputeOrchestrators, "t@c:3")]);

        var configuration = settings.AddTo(new ConfigurationBuilder()).Build();

        // A list from a higher layer replaces the whole list, not its first item.
        Assert.Equal("t@c:3", configuration["Compute:Orchestrators"]);
        Assert.Null(configuration["Compute:Orchestrators:1"]);
        Assert.Equal(TimeSpan.FromSeconds(2), configuration.GetValue<TimeSpan>("Compute:Heartbeat:Interval"));
        Assert.Equal("eu", configuration["Labels:zone"]);
        Assert.Equal(_dataDir, configuration["DataDir"]);
    }

    [Fact]
    public void A_bad_value_in_the_environment_names_the_variable()
    {
        var error = Assert.Throws<CliException>(() => Load(new Hashtable { ["BACALHAU_API_PORT"] = "high" }));

        Assert.Contains("BACALHAU_API_PORT", error.Message, StringComparison.Ordinal);
        Assert.Contains("API.Port", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_config_file_is_named()
    {
        var error = Assert.Throws<CliException>(() => Load(new Hashtable(), config: ["nowhere.yaml"]));

        Assert.StartsWith("config file 'nowhere.yaml' not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Clients_reach_a_server_bound_to_every_interface_on_loopback()
    {
        Assert.Equal(new Uri("http://127.0.0.1:1234/"), Load(new Hashtable()).ApiAddress);
        Assert.Equal(new Uri("http://10.0.0.5:99/"), Load(new Hashtable(), flags: [(ConfigKeys.ApiHost, "10.0.0.5"), (ConfigKeys.ApiPort, "99")]).ApiAddress);
    }

    [Fact]
    public void Set_writes_canonical_casing_and_keeps_the_rest_of_the_file()
    {
        WriteConfigFile("compute:\n  auth:\n    token: old\nDisableAnalytics: kept\n");
        var file = ConfigFile.Load(Path.Combine(_dataDir, ConfigFile.DefaultFileName));

        file.Set(ConfigValue.Parse(ConfigKeys.Get("COMPUTE.AUTH.TOKEN"), "new"));
        file.Set(ConfigValue.Parse(ConfigKeys.ComputeOrchestrators, "a:1,b:2"));
        file.Save();

        var text = File.ReadAllText(file.Path);
        Assert.Contains("Compute:", text, StringComparison.Ordinal);
        Assert.Contains("Token: \"new\"", text, StringComparison.Ordinal);
        Assert.Contains("DisableAnalytics: kept", text, StringComparison.Ordinal);
        Assert.DoesNotContain("old", text, StringComparison.Ordinal);
        var warnings = new List<string>();
        var values = ConfigFile.Load(file.Path).ReadValues(warnings);
        Assert.Equal([ConfigKeys.NotAppliedWarning(ConfigKeys.Get("DisableAnalytics"))], warnings);
        Assert.Equal("new", values[ConfigKeys.ComputeAuthToken].Text);
        Assert.Equal(["a:1", "b:2"], values[ConfigKeys.ComputeOrchestrators].Items);
    }

    [Fact]
    public void API_users_are_read_as_YAML_from_the_file_or_a_flag_and_reach_the_node_as_nested_keys()
    {
        WriteConfigFile("API:\n  Auth:\n    Users:\n    - Username: reader\n      Password: hash\n      Capabilities:\n      - Actions: [\"read:*\"]\n");
        var fromFile = Load(new Hashtable()).AddTo(new ConfigurationBuilder()).Build();
        Assert.Equal("reader", fromFile["API:Auth:Users:0:Username"]);
        Assert.Equal("read:*", fromFile["API:Auth:Users:0:Capabilities:0:Actions:0"]);

        var fromFlag = Load(new Hashtable(), config: ["API.Auth.Users=[{APIKey: k1, Capabilities: [{Actions: ['*']}]}, {APIKey: k2}]"]).AddTo(new ConfigurationBuilder()).Build();
        Assert.Null(fromFlag["API:Auth:Users:0:Username"]);
        Assert.Equal("*", fromFlag["API:Auth:Users:0:Capabilities:0:Actions:0"]);
        Assert.Equal("k2", fromFlag["API:Auth:Users:1:APIKey"]);

        var error = Assert.Throws<CliException>(() => Load(new Hashtable(), config: ["API.Auth.Users=[{unclosed"]));
        Assert.StartsWith("invalid value for API.Auth.Users: expected YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void The_config_file_is_saved_readable_by_its_owner_only_with_users_kept_as_YAML()
    {
        WriteConfigFile("Compute:\n  Auth:\n    Token: old\n");
        var path = Path.Combine(_dataDir, ConfigFile.DefaultFileName);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var file = ConfigFile.Load(path);

        file.Set(ConfigValue.Parse(ConfigKeys.ApiAuthUsers, "[{Username: u, Password: h, Capabilities: [{Actions: [read:job, write:job]}]}]"));
        file.Save();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var users = ConfigFile.Load(path).ReadValues(new List<string>())[ConfigKeys.ApiAuthUsers];
        Assert.Equal(
            new Dictionary<string, string?> { ["API:Auth:Users:0:Username"] = "u", ["API:Auth:Users:0:Password"] = "h", ["API:Auth:Users:0:Capabilities:0:Actions:0"] = "read:job", ["API:Auth:Users:0:Capabilities:0:Actions:1"] = "write:job" },
            users.ToConfiguration().ToDictionary(p => p.Key, p => p.Value));
    }

    [Fact]
    public void The_client_sends_its_configured_key_else_the_local_orchestrator_s_admin_key_but_only_to_this_host()
    {
        Directory.CreateDirectory(Path.Combine(_dataDir, "orchestrator"));
        File.WriteAllText(Path.Combine(_dataDir, "orchestrator", "admin-api-key"), "local-admin-key\n");

        Assert.Equal("from-env", Load(new Hashtable { ["BACALHAU_API_KEY"] = "from-env" }).ClientOptions.ApiKey);
        WriteConfigFile("API:\n  Auth:\n    APIKey: from-file\n");
        Assert.Equal("from-file", Load(new Hashtable()).ClientOptions.ApiKey);
        File.Delete(Path.Combine(_dataDir, ConfigFile.DefaultFileName));

        Assert.Equal("local-admin-key", Load(new Hashtable()).ClientOptions.ApiKey);
        Assert.Equal("local-admin-key", Load(new Hashtable(), flags: [(ConfigKeys.ApiHost, "localhost")]).ClientOptions.ApiKey);
        Assert.Null(Load(new Hashtable(), flags: [(ConfigKeys.ApiHost, "10.0.0.5")]).ClientOptions.ApiKey);
        var basic = Load(new Hashtable { ["BACALHAU_API_USERNAME"] = "u", ["BACALHAU_API_PASSWORD"] = "p" }).ClientOptions;
        Assert.Equal((null, "u", "p"), (basic.ApiKey, basic.Username, basic.Password));
    }

    private CliSettings Load(Hashtable environment, IReadOnlyList<string>? config = null, IReadOnlyList<(ConfigKey, string)>? flags = null) =>
        CliSettings.Load(new CliSettingsInput(_dataDir, config ?? [], flags ?? []), environment);

    private static (string?, ConfigSource) Describe(CliSettings settings, ConfigKey key)
    {
        var (value, source) = settings.Resolve(key);
        return (value?.Text, source);
    }

    private void WriteConfigFile(string yaml) => File.WriteAllText(Path.Combine(_dataDir, ConfigFile.DefaultFileName), yaml);
}

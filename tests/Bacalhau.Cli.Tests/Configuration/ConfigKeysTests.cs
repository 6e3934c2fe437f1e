using System.Reflection;
using Bacalhau.Cli.Configuration;
using Bacalhau.Compute;
using Bacalhau.Orchestrator;

namespace Bacalhau.Cli.Tests.Configuration;

/// <summary>The CLI's known keys and the nodes' options types cannot drift apart: every setting a node binds is a key `serve` and `config set` take.</summary>
public sealed class ConfigKeysTests
{
    /// <summary>Settings `serve` sets itself, which a user's value would only fight with.</summary>
    private static readonly HashSet<string> SetByServe = ["Orchestrator.Auth.NatsAccountSeedFile"];

    public static TheoryData<string, string> OptionsKeys()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, type) in typeof(ComputeOptions).Assembly.GetTypes().Concat(typeof(OrchestratorOptions).Assembly.GetTypes())
            .Select(t => (Type: t, Section: t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string))
            .Where(t => t.Type.Name.EndsWith("Options", StringComparison.Ordinal) && t.Section is not null)
            .SelectMany(t => Leaves(t.Section!.Replace(':', '.'), t.Type))
            .Where(leaf => !SetByServe.Contains(leaf.Name))
            .Distinct())
        {
            data.Add(name, type);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OptionsKeys))]
    public void Every_setting_of_an_options_type_is_a_known_key_of_a_matching_type(string name, string expected)
    {
        var key = ConfigKeys.Find(name);

        Assert.True(key is not null, $"{name} is bound by a node but unknown to the CLI: add it to ConfigKeys");
        Assert.Contains(key.Type.ToString(), expected.Split('|'));
    }

    [Fact]
    public void The_keys_README_documents_are_found_among_them()
    {
        var names = OptionsKeys().Select(row => (string)row[0]).ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.Superset(new HashSet<string> { "Compute.Docker.Host", "Compute.Publishers.Local.Address", "Compute.Publishers.Local.Port", "Orchestrator.Scheduler.MaxCount", "API.Auth.Users" }, names);
    }

    /// <summary>The dotted names of a type's settable properties, objects walked into, with the CLI types a value of each fits.</summary>
    private static IEnumerable<(string Name, string Type)> Leaves(string prefix, Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true })
            .SelectMany(p => KindOf(p.PropertyType) is { } kind
                ? [($"{prefix}.{p.Name}", kind)]
                : Leaves($"{prefix}.{p.Name}", p.PropertyType));

    private static string? KindOf(Type type) => type switch
    {
        // A string setting may be checked further by the CLI: a capacity, a job resource, one of a few words.
        _ when type == typeof(string) => $"{nameof(ConfigValueType.String)}|{nameof(ConfigValueType.Capacity)}|{nameof(ConfigValueType.Resource)}|{nameof(ConfigValueType.Choice)}",
        _ when type == typeof(bool) => nameof(ConfigValueType.Bool),
        _ when type == typeof(int) || type == typeof(long) => $"{nameof(ConfigValueType.Count)}|{nameof(ConfigValueType.Port)}",
        _ when type == typeof(TimeSpan) => nameof(ConfigValueType.Duration),
        _ when type == typeof(List<string>) || type == typeof(string[]) => nameof(ConfigValueType.List),
        _ when type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) => nameof(ConfigValueType.Map),
        _ when type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) => nameof(ConfigValueType.Tree),
        _ when type.IsClass && type.Namespace?.StartsWith("Bacalhau.", StringComparison.Ordinal) == true => null,
        _ => throw new InvalidOperationException($"an options property of type {type} has no CLI type yet"),
    };
}

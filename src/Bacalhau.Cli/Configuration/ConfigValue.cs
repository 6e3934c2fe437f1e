using System.Globalization;
using Bacalhau.Core.Serialization;

namespace Bacalhau.Cli.Configuration;

/// <summary>
/// A validated value of a <see cref="ConfigKey"/>. <see cref="Text"/> is what the user wrote (normalised),
/// <see cref="ToConfiguration"/> the form .NET options bind from.
/// </summary>
internal sealed record ConfigValue
{
    private ConfigValue(ConfigKey key, string text)
    {
        Key = key;
        Text = text;
    }

    public ConfigKey Key { get; }

    public string Text { get; }

    public IReadOnlyList<string> Items { get; private init; } = [];

    public IReadOnlyDictionary<string, string> Map { get; private init; } = new Dictionary<string, string>();

    /// <summary>Parses <paramref name="raw"/> as a value of <paramref name="key"/>; a bad value names the key and the expected type.</summary>
    public static ConfigValue Parse(ConfigKey key, string raw)
    {
        var text = raw.Trim();
        switch (key.Type)
        {
            case ConfigValueType.Port:
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                {
                    throw Invalid(key, raw);
                }

                return new ConfigValue(key, port.ToString(CultureInfo.InvariantCulture));

            case ConfigValueType.Count:
                return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count <= int.MaxValue
                    ? new ConfigValue(key, count.ToString(CultureInfo.InvariantCulture))
                    : throw Invalid(key, raw);

            case ConfigValueType.Bool:
                return bool.TryParse(text, out var flag) ? new ConfigValue(key, flag ? "true" : "false") : throw Invalid(key, raw);

            case ConfigValueType.Duration:
                _ = GoDuration.Parse(text) ?? throw Invalid(key, raw);
                return new ConfigValue(key, text);

            case ConfigValueType.List:
                return FromItems(key, text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

            case ConfigValueType.Map:
                var map = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var equals = pair.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0)
                    {
                        throw Invalid(key, raw);
                    }

                    map[pair[..equals].Trim()] = pair[(equals + 1)..].Trim();
                }

                return FromMap(key, map);

            default:
                return new ConfigValue(key, text);
        }
    }

    public static ConfigValue FromItems(ConfigKey key, IEnumerable<string> items)
    {
        var list = items.ToList();
        return new ConfigValue(key, string.Join(',', list)) { Items = list };
    }

    public static ConfigValue FromMap(ConfigKey key, IReadOnlyDictionary<string, string> map) =>
        new(key, string.Join(',', map.Select(p => $"{p.Key}={p.Value}"))) { Map = map };

    /// <summary>
    /// The value as .NET configuration entries. A list stays one comma-separated entry so that a higher layer
    /// replaces it whole instead of merging index by index; a map becomes one entry per key.
    /// </summary>
    public IEnumerable<KeyValuePair<string, string?>> ToConfiguration() => Key.Type switch
    {
        ConfigValueType.Map => Map.Select(p => KeyValuePair.Create($"{Key.ConfigurationPath}:{p.Key}", (string?)p.Value)),
        ConfigValueType.Duration => [KeyValuePair.Create(Key.ConfigurationPath, (string?)GoDuration.Parse(Text)!.Value.ToString("c", CultureInfo.InvariantCulture))],
        _ => [KeyValuePair.Create(Key.ConfigurationPath, (string?)Text)],
    };

    private static CliException Invalid(ConfigKey key, string raw) =>
        new($"invalid value '{raw}' for {key.Name}: expected {key.TypeDescription}");
}

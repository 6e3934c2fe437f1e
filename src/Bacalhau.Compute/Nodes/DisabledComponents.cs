namespace Bacalhau.Compute.Nodes;

/// <summary>
/// Bacalhau's <c>Engines.Disabled</c>, <c>Publishers.Disabled</c> and <c>InputSources.Disabled</c>: types this node
/// neither offers nor bids for, whether or not they would work here.
/// </summary>
public sealed record DisabledComponents(IReadOnlySet<string> Engines, IReadOnlySet<string> Publishers, IReadOnlySet<string> InputSources)
{

    public static DisabledComponents From(IConfiguration configuration) =>
        new(Read(configuration, "Engines"), Read(configuration, "Publishers"), Read(configuration, "InputSources"));

    /// <summary>The items of <paramref name="items"/> whose type is not in <paramref name="disabled"/>.</summary>
    public static IEnumerable<T> Enabled<T>(IEnumerable<T> items, Func<T, string> type, IReadOnlySet<string> disabled) =>
        items.Where(item => !disabled.Contains(type(item)));

    /// <summary>"Engines.Disabled=docker,wasm" arrives as one value, a YAML list as children: both count.</summary>
    private static HashSet<string> Read(IConfiguration configuration, string section)
    {
        var disabled = configuration.GetSection($"{section}:Disabled");
        return new HashSet<string>(
            disabled.GetChildren().Select(c => c.Value).Append(disabled.Value)
                .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
            StringComparer.OrdinalIgnoreCase);
    }
}

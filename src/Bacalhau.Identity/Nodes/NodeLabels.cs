using System.Runtime.InteropServices;

namespace Bacalhau.Identity.Nodes;

/// <summary>
/// The labels a node carries without being told, as Bacalhau sets them (<c>Operating-System: linux</c>,
/// <c>Architecture: amd64</c>, in Go's spelling, so that job constraints written for Bacalhau match), and its host name.
/// </summary>
public static class NodeLabels
{
    public const string OperatingSystemLabel = "Operating-System";
    public const string ArchitectureLabel = "Architecture";
    public const string HostnameLabel = "hostname";

    /// <summary>The automatic labels with <paramref name="configured"/> over them: a configured label of the same name wins.</summary>
    public static IReadOnlyDictionary<string, string> With(IReadOnlyDictionary<string, string> configured)
    {
        ArgumentNullException.ThrowIfNull(configured);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [OperatingSystemLabel] = GoOperatingSystem(),
            [ArchitectureLabel] = GoArchitecture(RuntimeInformation.OSArchitecture),
            [HostnameLabel] = Environment.MachineName,
        };
        foreach (var (key, value) in configured)
        {
            labels[key] = value;
        }

        return labels;
    }

    private static string GoOperatingSystem() =>
        OperatingSystem.IsLinux() ? "linux"
        : OperatingSystem.IsMacOS() ? "darwin"
        : OperatingSystem.IsWindows() ? "windows"
        : OperatingSystem.IsFreeBSD() ? "freebsd"
        : RuntimeInformation.OSDescription.ToLowerInvariant();

    private static string GoArchitecture(Architecture architecture) => architecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.X86 => "386",
        Architecture.Arm64 => "arm64",
        Architecture.Arm => "arm",
        _ => architecture.ToString().ToLowerInvariant(),
    };
}

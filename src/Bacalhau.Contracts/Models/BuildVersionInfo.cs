using System.Reflection;
using System.Runtime.InteropServices;

namespace Bacalhau.Contracts.Models;

/// <summary>Version of a node's software, in Bacalhau's shape (GOOS/GOARCH name the OS and architecture).</summary>
public sealed record BuildVersionInfo
{
    public string Major { get; set; } = "";
    public string Minor { get; set; } = "";
    public string GitVersion { get; set; } = "";
    public string GitCommit { get; set; } = "";
    public string BuildDate { get; set; } = "";
    public string GOOS { get; set; } = "";
    public string GOARCH { get; set; } = "";

    public static BuildVersionInfo Current { get; } = FromAssembly(typeof(BuildVersionInfo).Assembly);

    private static BuildVersionInfo FromAssembly(Assembly assembly)
    {
        var version = assembly.GetName().Version ?? new Version(0, 0);
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return new BuildVersionInfo
        {
            Major = version.Major.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Minor = version.Minor.ToString(System.Globalization.CultureInfo.InvariantCulture),
            GitVersion = $"v{version.Major}.{version.Minor}.{version.Build}",
            GitCommit = plus >= 0 ? informational[(plus + 1)..] : "",
            BuildDate = File.GetLastWriteTimeUtc(BuiltFile(assembly)).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            GOOS = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "darwin" : OperatingSystem.IsWindows() ? "windows" : "unknown",
            GOARCH = RuntimeInformation.OSArchitecture switch
            {
                Architecture.X64 => "amd64",
                Architecture.Arm64 => "arm64",
                var other => other.ToString().ToLowerInvariant(),
            },
        };
    }

    /// <summary>The assembly's file, or the executable it was compiled into ahead of time (which has no assembly files).</summary>
    private static string BuiltFile(Assembly assembly)
    {
        var file = Path.Combine(AppContext.BaseDirectory, assembly.GetName().Name + ".dll");
        return File.Exists(file) ? file : Environment.ProcessPath ?? file;
    }
}

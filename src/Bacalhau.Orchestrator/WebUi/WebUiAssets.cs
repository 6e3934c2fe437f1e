using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Bacalhau.Orchestrator.WebUi;

/// <summary>One file of the web UI: its bytes, content type and strong ETag (a hash of the bytes).</summary>
internal sealed record WebUiAsset(byte[] Content, string ContentType, string ETag);

/// <summary>
/// The web UI's files, embedded in this assembly under <c>webui/</c> and read once: plain manifest resources, so the
/// native CLI, which cannot reflect over a file provider's types, serves them as the service does.
/// </summary>
internal static class WebUiAssets
{
    private const string Prefix = "webui/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Files by their path under <c>webui/</c>, such as <c>index.html</c> or <c>js/app.js</c>.</summary>
    public static FrozenDictionary<string, WebUiAsset> All { get; } = Load();

    private static FrozenDictionary<string, WebUiAsset> Load()
    {
        var assembly = typeof(WebUiAssets).Assembly;
        var files = new Dictionary<string, WebUiAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            // Resource names carry the build machine's separator.
            var path = name.Replace('\\', '/');
            if (!path.StartsWith(Prefix, StringComparison.Ordinal) || !ContentTypes.TryGetValue(Path.GetExtension(path), out var type))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            files[path[Prefix.Length..]] = new WebUiAsset(bytes, type, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]}\"");
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

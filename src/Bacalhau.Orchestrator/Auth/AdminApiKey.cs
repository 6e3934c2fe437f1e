using System.Security.Cryptography;
using Bacalhau.Identity.Nodes;

namespace Bacalhau.Orchestrator.Auth;

/// <summary>
/// The admin API key an orchestrator generates at its first start, kept owner-only in its data directory, where the
/// CLI of the same user on the same host finds it. Only its file is ever named in logs, never the key.
/// </summary>
public static partial class AdminApiKey
{
    public const string FileName = "admin-api-key";

    public static string LoadOrCreate(string orchestratorDataDir, ILogger logger)
    {
        var path = Path.Combine(orchestratorDataDir, FileName);
        if (!File.Exists(path) && AtomicFile.Write(path, Base64UrlKey() + "\n", overwrite: false, ownerOnly: true))
        {
            LogGenerated(logger, path);
        }

        var key = File.ReadAllText(path).Trim();
        return key.Length >= ApiAuthOptionsValidator.MinimumKeyLength ? key
            : throw new InvalidOperationException($"{path} holds no API key; delete it to have a new one generated");
    }

    private static string Base64UrlKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [LoggerMessage(Level = LogLevel.Warning, Message = "Generated the first admin API key of this orchestrator and saved it to {Path} (readable by its owner only); the CLI of this user on this host uses it")]
    private static partial void LogGenerated(ILogger logger, string path);
}

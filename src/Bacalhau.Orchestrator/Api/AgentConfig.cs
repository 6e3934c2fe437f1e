using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Bacalhau.Orchestrator.Api;

/// <summary>The node's effective Bacalhau settings as a document, for <c>GET /api/v1/agent/config</c>, with secrets redacted.</summary>
internal static partial class AgentConfig
{
    public const string Redacted = "<redacted>";

    private static readonly string[] Sections = ["API", "DataDir", "NameProvider", "Labels", "Logging", "JobDefaults", "Orchestrator", "Compute", "Engines", "Publishers", "InputSources"];

    // Names of settings that hold a secret, whatever their section: Auth.Token, Users[].Password, APIKey, a TLS KeyFile path.
    private static readonly string[] SecretSuffixes = ["Token", "Password", "Key", "KeyFile", "Secret", "Credentials", "Creds", "Seed"];

    public static JsonObject Describe(IConfiguration configuration)
    {
        var document = new JsonObject();
        foreach (var name in Sections)
        {
            var section = configuration.GetSection(name);
            if (ToNode(section) is { } node)
            {
                document[name] = node;
            }
        }

        return document;
    }

    /// <summary>A value with the credentials of any address in it (<c>token@host:port</c>, <c>nats://user:pass@host</c>) replaced.</summary>
    public static string RedactAddresses(string value) => UserInfo().Replace(value, "${scheme}" + Redacted + "@");

    private static JsonNode? ToNode(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            return section.Value is null ? null
                : IsSecret(section.Key) ? Redacted
                : JsonValue.Create(RedactAddresses(section.Value));
        }

        var node = new JsonObject();
        foreach (var child in children)
        {
            node[child.Key] = IsSecret(child.Key) ? Redacted : ToNode(child);
        }

        return node;
    }

    private static bool IsSecret(string key) => SecretSuffixes.Any(suffix => key.EndsWith(suffix, StringComparison.OrdinalIgnoreCase));

    // The user-info part of an address at the start of a value or after a comma or space: "[scheme://]<anything but / @ , space>@".
    [GeneratedRegex(@"(?<=^|[,\s])(?<scheme>[A-Za-z][A-Za-z0-9+.-]*://)?[^/@,\s]+@")]
    private static partial Regex UserInfo();
}

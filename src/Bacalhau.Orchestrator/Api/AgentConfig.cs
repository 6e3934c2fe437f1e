using System.Text.Json.Nodes;

namespace Bacalhau.Orchestrator.Api;

/// <summary>The node's effective Bacalhau settings as a document, for <c>GET /api/v1/agent/config</c>, with secrets redacted.</summary>
public static class AgentConfig
{
    private static readonly string[] Sections = ["API", "DataDir", "NameProvider", "Labels", "Orchestrator", "Compute", "InputSources"];

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

    private static JsonNode? ToNode(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            return section.Value is null ? null
                : section.Key.EndsWith("Token", StringComparison.OrdinalIgnoreCase) ? "<redacted>"
                : JsonValue.Create(section.Value);
        }

        var node = new JsonObject();
        foreach (var child in children)
        {
            node[child.Key] = ToNode(child);
        }

        return node;
    }
}

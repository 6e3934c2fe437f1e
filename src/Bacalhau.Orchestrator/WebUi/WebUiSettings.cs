using System.Text.Json.Serialization;

namespace Bacalhau.Orchestrator.WebUi;

/// <summary>What the web UI's pages need of the orchestrator's configuration.</summary>
internal sealed record WebUiSettings(string? DashboardUrl);

[JsonSerializable(typeof(WebUiSettings))]
internal sealed partial class WebUiJsonContext : JsonSerializerContext;

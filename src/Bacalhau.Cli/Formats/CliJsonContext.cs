using System.Text.Json.Serialization;
using Bacalhau.Cli.Commands;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Cli.Formats;

/// <summary>Source-generated JSON for what only the CLI prints or builds; API types live in BacalhauJsonContext.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(IReadOnlyList<NodeState>))]
[JsonSerializable(typeof(IReadOnlyList<Job>))]
[JsonSerializable(typeof(IReadOnlyList<Execution>))]
[JsonSerializable(typeof(IReadOnlyList<JobHistory>))]
[JsonSerializable(typeof(IReadOnlyList<SpecConfig>))]
[JsonSerializable(typeof(VersionReport))]
[JsonSerializable(typeof(IReadOnlyList<ConfigEntry>))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

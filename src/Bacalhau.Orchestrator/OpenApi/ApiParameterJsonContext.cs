using System.Text.Json.Serialization;

namespace Bacalhau.Orchestrator.OpenApi;

/// <summary>
/// The types of the endpoints' route and query parameters, whose schemas the OpenAPI document is generated from: the
/// native CLI has no reflection to describe them, and the API's models are in <c>BacalhauJsonContext</c>.
/// </summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool?))]
[JsonSerializable(typeof(int?))]
[JsonSerializable(typeof(ulong?))]
[JsonSerializable(typeof(long?))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class ApiParameterJsonContext : JsonSerializerContext;

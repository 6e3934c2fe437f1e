namespace Bacalhau.Core.Models.Jobs;

/// <summary>Values of <see cref="Job.Type"/>.</summary>
public static class JobTypes
{
    public const string Batch = "batch";
    public const string Service = "service";
    public const string Ops = "ops";
    public const string Daemon = "daemon";

    public static IReadOnlyList<string> All { get; } = [Batch, Service, Ops, Daemon];

    /// <summary>Ops and daemon jobs run once on every matching node rather than <see cref="Job.Count"/> times.</summary>
    public static bool RunsOnEveryNode(string type) => type is Ops or Daemon;

    /// <summary>Service and daemon jobs keep running until stopped.</summary>
    public static bool IsLongRunning(string type) => type is Service or Daemon;
}

/// <summary>Engine, publisher and source type names this product knows.</summary>
public static class EngineTypes
{
    public const string Noop = "noop";
    public const string Docker = "docker";
    public const string Wasm = "wasm";

    public static IReadOnlyList<string> All { get; } = [Noop, Docker, Wasm];
}

namespace Bacalhau.Contracts.Models.Jobs;

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
}

/// <summary>Values of a task's engine type that this product supports.</summary>
public static class EngineTypes
{
    public const string Noop = "noop";
    public const string Docker = "docker";
    public const string Wasm = "wasm";

    public static IReadOnlyList<string> All { get; } = [Docker, Noop, Wasm];
}

/// <summary>Values of a task's <see cref="JobTask.Publisher"/> type that this product supports.</summary>
public static class PublisherTypes
{
    public const string Noop = "noop";
    public const string Local = "local";

    /// <summary>Content-addressed results, served by the orchestrator by CID (there is no IPFS node; the name is Bacalhau's).</summary>
    public const string Ipfs = "ipfs";

    /// <summary>An S3 bucket (or any S3-compatible store): a gzipped tar of the result, or its files one by one.</summary>
    public const string S3 = "s3";

    public static IReadOnlyList<string> All { get; } = [Ipfs, Local, Noop, S3];
}

/// <summary>Values of an <see cref="InputSource"/>'s type that this product supports; Bacalhau spells urlDownload in camel case.</summary>
public static class SourceTypes
{
    public const string Inline = "inline";
    public const string UrlDownload = "urlDownload";
    public const string Local = "local";
    public const string Ipfs = "ipfs";
    public const string S3 = "s3";

    /// <summary>Not an input: how the orchestrator describes an <c>s3</c> result to clients, with a pre-signed URL to fetch it at.</summary>
    public const string S3PreSigned = "s3PreSigned";

    public static IReadOnlyList<string> All { get; } = [Inline, Ipfs, Local, S3, UrlDownload];
}

/// <summary>Values of <see cref="NetworkConfig.Type"/>; an empty type means <see cref="None"/>.</summary>
public static class NetworkTypes
{
    public const string None = "None";
    public const string Host = "Host";
    public const string Full = "Full";
    public const string Http = "HTTP";

    public static IReadOnlyList<string> All { get; } = [None, Host, Full, Http];
}

/// <summary>Operators of a <see cref="LabelSelectorRequirement"/>, as Kubernetes label selection spells them.</summary>
public static class SelectionOperators
{
    public const string Equal = "=";
    public const string DoubleEqual = "==";
    public const string NotEqual = "!=";
    public const string In = "in";
    public const string NotIn = "notin";
    public const string Exists = "exists";
    public const string DoesNotExist = "!";
    public const string GreaterThan = "gt";
    public const string LessThan = "lt";

    public static IReadOnlyList<string> All { get; } = [Equal, DoubleEqual, NotEqual, In, NotIn, Exists, DoesNotExist, GreaterThan, LessThan];
}

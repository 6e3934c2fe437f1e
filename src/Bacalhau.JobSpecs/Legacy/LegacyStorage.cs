using System.Text.Json;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.JobSpecs.Legacy;

/// <summary>A v1beta1 <c>StorageSpec</c> (inputs, wasm modules) as one of this product's input sources.</summary>
internal static class LegacyStorage
{
    private static readonly IReadOnlyList<string> Supported = ["URLDownload", "Inline", "LocalDirectory"];
    private static readonly IReadOnlyList<string> Unsupported = ["IPFS", "S3", "Repository", "Estuary", "Filecoin", "FilecoinUnsealed", "S3PreSigned"];

    public static InputSource? ToInputSource(LegacyFields storage, string defaultTarget)
    {
        var source = storage.Text("StorageSource");
        storage.Unsupported("CID", "inputs by CID need an IPFS node; use URLDownload or Inline");
        storage.Unsupported("S3", "S3 inputs are not implemented");
        storage.Unsupported("Repo", "repository inputs are not implemented");
        storage.Skip("Metadata");
        var input = new InputSource
        {
            Alias = storage.Text("Name"),
            Target = storage.Text("Path") is { Length: > 0 } path ? path : defaultTarget,
        };
        var url = storage.Text("URL");
        var sourcePath = storage.Text("SourcePath");
        var readWrite = storage.Flag("ReadWrite");
        storage.ReportUnread();
        if (KnownNames.Problem(source, "storage source", Supported, Unsupported) is { } problem)
        {
            storage.Problem("StorageSource", problem);
            return null;
        }

        input.Source = KnownNames.Find(source, Supported) switch
        {
            "URLDownload" => Config(SourceTypes.UrlDownload, ("URL", url)),
            "Inline" => Config(SourceTypes.Inline, ("URL", url)),
            _ => Config(SourceTypes.Local, ("SourcePath", sourcePath)),
        };
        if (readWrite)
        {
            input.Source.Params["ReadWrite"] = JsonSerializer.SerializeToElement(true, BacalhauJsonContext.Default.Boolean);
        }

        return input;
    }

    private static SpecConfig Config(string type, (string Name, string Value) param) => new()
    {
        Type = type,
        Params = { [param.Name] = JsonSerializer.SerializeToElement(param.Value, BacalhauJsonContext.Default.String) },
    };
}

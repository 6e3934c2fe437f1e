namespace Bacalhau.Compute.Publishers.Local;

/// <summary>The <c>Compute:Publishers:Local</c> configuration section: where clients fetch published results.</summary>
public sealed class LocalPublisherOptions
{
    public const string SectionName = "Compute:Publishers:Local";

    /// <summary>Host name or IP address clients reach this node at.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>Port clients reach this node at; 0 means the port this node's HTTP server really listens on.</summary>
    public int Port { get; set; }
}

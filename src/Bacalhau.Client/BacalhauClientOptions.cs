namespace Bacalhau.Client;

/// <summary>How a client authenticates to the orchestrator and which certificate authority it trusts for https.</summary>
/// <param name="ApiKey">Sent as <c>Authorization: Bearer &lt;key&gt;</c>.</param>
/// <param name="Username">With <paramref name="Password"/>, sent as HTTP Basic credentials when there is no key.</param>
/// <param name="Password">The password of <paramref name="Username"/>.</param>
/// <param name="CaCertificateFile">A PEM file of the CA that signed the orchestrator's certificate, trusted on top of the system's.</param>
public sealed record BacalhauClientOptions(string? ApiKey = null, string? Username = null, string? Password = null, string? CaCertificateFile = null)
{
    public static readonly BacalhauClientOptions Anonymous = new();

    // The credentials must not show up in logs or exception messages by way of the record's generated ToString.
    public override string ToString() => $"BacalhauClientOptions {{ ApiKey = {(ApiKey is null ? "none" : "set")}, Username = {Username}, CaCertificateFile = {CaCertificateFile} }}";
}

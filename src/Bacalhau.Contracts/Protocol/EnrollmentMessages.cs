namespace Bacalhau.Contracts.Protocol;

/// <summary>
/// A compute node asks for NATS credentials of its own: its node ID, the public half of the user nkey it will
/// connect with, its libp2p-marshalled public key and its signature (base64) binding the three.
/// </summary>
public sealed record EnrollmentRequest
{
    public required string NodeID { get; set; }
    public required string UserPublicKey { get; set; }
    public required string PublicKey { get; set; }
    public required string Signature { get; set; }
}

/// <summary>The user JWT for the requested key, or why the node was refused.</summary>
public sealed record EnrollmentResponse
{
    public string Jwt { get; set; } = "";
    public string Error { get; set; } = "";
}

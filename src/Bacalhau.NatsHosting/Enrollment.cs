using System.Text;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Identity;
using NATS.NKeys;

namespace Bacalhau.NatsHosting;

/// <summary>Enrollment requests: signed by the node's key, checked by the orchestrator before it issues a user.</summary>
public static class Enrollment
{
    public static EnrollmentRequest CreateRequest(string nodeId, NodeKey key, string userPublicKey) => new()
    {
        NodeID = nodeId,
        UserPublicKey = userPublicKey,
        PublicKey = Convert.ToBase64String(key.PublicKey),
        Signature = Convert.ToBase64String(key.Sign(SignedBytes(nodeId, userPublicKey))),
    };

    /// <summary>
    /// Null when the request is well formed and signed by the key it carries, and a node ID that is a peer ID is
    /// the peer ID of that key; otherwise why not. <paramref name="publicKey"/> is the key it carries.
    /// </summary>
    public static string? Verify(EnrollmentRequest request, out byte[] publicKey)
    {
        ArgumentNullException.ThrowIfNull(request);
        publicKey = [];
        if (NodeIds.Validate(request.NodeID) is { } invalid)
        {
            return invalid;
        }

        if (string.IsNullOrEmpty(request.PublicKey) || string.IsNullOrEmpty(request.Signature))
        {
            return "PublicKey and Signature are required";
        }

        if (!IsUserKey(request.UserPublicKey))
        {
            return "UserPublicKey is not a NATS user public key";
        }

        byte[] signature;
        try
        {
            publicKey = Convert.FromBase64String(request.PublicKey);
            signature = Convert.FromBase64String(request.Signature);
        }
        catch (FormatException)
        {
            return "PublicKey and Signature must be base64";
        }

        PeerId peer;
        try
        {
            peer = PeerId.FromPublicKey(publicKey);
            if (!NodeKey.Verify(publicKey, SignedBytes(request.NodeID, request.UserPublicKey), signature))
            {
                return $"the signature does not verify with the public key of peer {peer}";
            }
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            return $"the public key cannot be read: {ex.Message}";
        }

        // A node named by its peer ID must hold that peer's key.
        return PeerId.TryParse(request.NodeID, out _) is not null && request.NodeID != peer.Text
            ? $"node ID '{request.NodeID}' is a peer ID, but the request is signed by peer {peer}"
            : null;
    }

    /// <summary>
    /// Null when <paramref name="jwt"/> is a user JWT for <paramref name="userPublicKey"/> not issued by the enrollment
    /// account of <paramref name="token"/>; otherwise why not. Any token holder can sign users of that account and
    /// answer a request in it before the orchestrator does: such an answer would move the node into the token
    /// holders' account. A JWT signed by any other key than the cluster's account is refused by the server itself.
    /// </summary>
    public static string? CheckIssued(string jwt, string userPublicKey, string token)
    {
        ArgumentNullException.ThrowIfNull(jwt);
        ArgumentNullException.ThrowIfNull(userPublicKey);
        ArgumentNullException.ThrowIfNull(token);
        string? issuer, subject, type;
        try
        {
            using var claims = NatsJwt.ReadClaims(jwt);
            var root = claims.RootElement;
            issuer = root.GetProperty("iss").GetString();
            subject = root.GetProperty("sub").GetString();
            type = root.GetProperty("nats").GetProperty("type").GetString();
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return $"the answer is not a NATS user JWT: {ex.Message}";
        }

        using var enrollment = EnrollmentAccount.KeyFor(token);
        return type != "user" || subject != userPublicKey ? "the answer is not a user JWT for this node's key"
            : issuer == enrollment.GetPublicKey() ? "the answer was signed with the token, not by the orchestrator"
            : null;
    }

    private static bool IsUserKey(string? key)
    {
        try
        {
            return !string.IsNullOrEmpty(key) && KeyPair.IsValidPublicKey(PrefixByte.User, key);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or NKeysException)
        {
            return false;
        }
    }

    private static byte[] SignedBytes(string nodeId, string userPublicKey) =>
        Encoding.UTF8.GetBytes($"bacalhau nats enrollment v1\n{nodeId}\n{userPublicKey}");
}

using System.Globalization;
using System.Security.Cryptography;
using Bacalhau.Identity.Nodes;

namespace Bacalhau.Identity;

/// <summary>
/// A node's RSA key pair and the peer ID derived from it, kept in its data directory as <c>private_key.&lt;port&gt;</c>
/// in Bacalhau's format: the base64 of the libp2p-marshalled private key and a newline. Created on first use with
/// owner-only permissions and an atomic rename; a file that cannot be read as a key is an error, never replaced.
/// </summary>
public sealed class NodeKey : IDisposable
{
    /// <summary>Bacalhau named key files after its libp2p swarm port, 1235 unless configured.</summary>
    public const int DefaultPort = 1235;
    private const int KeySizeInBits = 2048;

    private readonly RSA _rsa;

    private NodeKey(string path, RSA rsa)
    {
        Path = path;
        _rsa = rsa;
        PublicKey = Libp2pKeys.MarshalPublicKey(rsa);
        PeerId = PeerId.FromPublicKey(PublicKey);
    }

    public string Path { get; }

    public PeerId PeerId { get; }

    /// <summary>The libp2p-marshalled public key, from which <see cref="PeerId"/> is derived.</summary>
    public byte[] PublicKey { get; }

    /// <summary>The .NET configuration key of the port a node's key file is named after (<c>--port</c> of <c>bacalhau serve</c>).</summary>
    public const string PortConfigurationKey = "Orchestrator:Port";

    /// <summary>The port a key file is named after: the node's configured NATS port, else <see cref="DefaultPort"/>.</summary>
    public static int PortOf(string? configuredPort) =>
        string.IsNullOrWhiteSpace(configuredPort) ? DefaultPort
        : int.TryParse(configuredPort, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535 ? port
        : throw new InvalidDataException($"Orchestrator.Port '{configuredPort}' is not a port (1-65535)");

    public static string FileName(int port) => $"private_key.{port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The key in <paramref name="directory"/> for <paramref name="port"/>, generated and saved when there is none yet.</summary>
    public static NodeKey LoadOrCreate(string directory, int port)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var path = System.IO.Path.Combine(directory, FileName(port));
        return File.Exists(path) ? Load(path) : Create(path);
    }

    public static NodeKey Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new InvalidDataException($"cannot read the node's private key '{path}': {ex.Message}", ex);
        }

        try
        {
            return new NodeKey(path, Libp2pKeys.UnmarshalPrivateKey(Convert.FromBase64String(text)));
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException(
                $"'{path}' is not a valid node private key (expected the base64 of a libp2p RSA private key: {ex.Message}); restore it, or remove it to give the node a new identity",
                ex);
        }
    }

    /// <summary>Signs <paramref name="data"/> as libp2p's RSA keys do: PKCS#1 v1.5 over SHA-256.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) => _rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    /// <summary>True when <paramref name="signature"/> over <paramref name="data"/> was made with the private half of <paramref name="marshalledPublicKey"/>.</summary>
    public static bool Verify(byte[] marshalledPublicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        using var rsa = Libp2pKeys.UnmarshalPublicKey(marshalledPublicKey);
        return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    public void Dispose() => _rsa.Dispose();

    private static NodeKey Create(string path)
    {
        var rsa = RSA.Create(KeySizeInBits);
        var text = Convert.ToBase64String(Libp2pKeys.MarshalPrivateKey(rsa)) + "\n";
        try
        {
            // No overwrite: a node starting at the same moment may have created the key first, and then its key wins.
            if (AtomicFile.Write(path, text, overwrite: false, ownerOnly: true))
            {
                return new NodeKey(path, rsa);
            }
        }
        catch
        {
            rsa.Dispose();
            throw;
        }

        rsa.Dispose();
        return Load(path);
    }
}

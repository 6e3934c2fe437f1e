using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NATS.NKeys;

namespace Bacalhau.NatsHosting;

/// <summary>What a user may publish and subscribe to; null means no restriction.</summary>
internal sealed record NatsPermissions(IReadOnlyList<string> Publish, IReadOnlyList<string> Subscribe);

/// <summary>A service subject one account exports and another imports (request/reply across accounts).</summary>
internal sealed record NatsService(string Subject, string ExportingAccount);

/// <summary>
/// NATS JWTs (v2 claims, signed with an ed25519 nkey): the operator, its accounts and their users, as nats-server's
/// decentralized auth reads them.
/// </summary>
internal static class NatsJwt
{
    private static readonly string[] ConnectionLimits = ["subs", "data", "payload", "imports", "exports", "conn", "leaf"];
    private static readonly string[] JetStreamLimits = ["mem_storage", "disk_storage", "streams", "consumer"];
    private static readonly byte[] Header = Encoding.UTF8.GetBytes(Encode("""{"typ":"JWT","alg":"ed25519-nkey"}"""u8));

    /// <summary>The operator's self-signed JWT naming its system account.</summary>
    public static string Operator(KeyPair op, string name, string systemAccount) =>
        Sign(op, op.GetPublicKey(), name, null, nats =>
        {
            nats.WriteString("system_account", systemAccount);
            nats.WriteString("type", "operator");
        });

    /// <summary>
    /// An account signed by the operator: JetStream on or off, and the services it exports or imports (both by
    /// subject; an import names the exporting account).
    /// </summary>
    public static string Account(KeyPair op, string account, string name, bool jetStream, IReadOnlyList<NatsService> exports, IReadOnlyList<NatsService> imports) =>
        Sign(op, account, name, null, nats =>
        {
            nats.WriteStartObject("limits");
            foreach (var limit in ConnectionLimits)
            {
                nats.WriteNumber(limit, -1);
            }

            nats.WriteBoolean("wildcards", true);
            var storage = jetStream ? -1 : 0;
            foreach (var limit in JetStreamLimits)
            {
                nats.WriteNumber(limit, storage);
            }

            nats.WriteEndObject();
            WriteServices(nats, "exports", exports, export: true);
            WriteServices(nats, "imports", imports, export: false);
            nats.WriteString("type", "account");
        });

    /// <summary>
    /// A user signed by its account's key, allowed only what
    /// <paramref name="permissions"/> says (everything when null), until <paramref name="expires"/> when given.
    /// </summary>
    public static string User(KeyPair accountKey, string user, string name, NatsPermissions? permissions, DateTimeOffset? expires = null) =>
        Sign(accountKey, user, name, expires, nats =>
        {
            if (permissions is not null)
            {
                WriteList(nats, "pub", permissions.Publish);
                WriteList(nats, "sub", permissions.Subscribe);
            }

            nats.WriteNumber("subs", -1);
            nats.WriteNumber("data", -1);
            nats.WriteNumber("payload", -1);
            nats.WriteString("type", "user");
        });

    /// <summary>The claims (second part) of <paramref name="jwt"/>, unverified.</summary>
    public static JsonDocument ReadClaims(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            throw new FormatException("not a JWT: expected three dot-separated parts");
        }

        return JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
    }

    private static void WriteServices(Utf8JsonWriter nats, string property, IReadOnlyList<NatsService> services, bool export)
    {
        if (services.Count == 0)
        {
            return;
        }

        nats.WriteStartArray(property);
        foreach (var service in services)
        {
            nats.WriteStartObject();
            nats.WriteString("name", service.Subject);
            nats.WriteString("subject", service.Subject);
            nats.WriteString("type", "service");
            if (export)
            {
                nats.WriteString("response_type", "Singleton");
            }
            else
            {
                nats.WriteString("account", service.ExportingAccount);
            }

            nats.WriteEndObject();
        }

        nats.WriteEndArray();
    }

    private static void WriteList(Utf8JsonWriter nats, string property, IReadOnlyList<string> allow)
    {
        nats.WriteStartObject(property);
        nats.WriteStartArray("allow");
        foreach (var subject in allow)
        {
            nats.WriteStringValue(subject);
        }

        nats.WriteEndArray();
        nats.WriteEndObject();
    }

    private static string Sign(KeyPair issuer, string subject, string name, DateTimeOffset? expires, Action<Utf8JsonWriter> writeNats)
    {
        var body = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("jti", Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
            json.WriteNumber("iat", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            if (expires is { } exp)
            {
                json.WriteNumber("exp", exp.ToUnixTimeSeconds());
            }

            json.WriteString("iss", issuer.GetPublicKey());
            json.WriteString("name", name);
            json.WriteString("sub", subject);
            json.WriteStartObject("nats");
            writeNats(json);
            json.WriteNumber("version", 2);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        var signed = Encoding.UTF8.GetBytes($"{Encoding.UTF8.GetString(Header)}.{Encode(body.WrittenSpan)}");
        var signature = new byte[64];
        issuer.Sign(signed, signature);
        return $"{Encoding.UTF8.GetString(signed)}.{Encode(signature)}";
    }

    private static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);
}

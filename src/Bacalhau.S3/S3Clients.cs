using System.Net;
using System.Net.Sockets;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.S3;

namespace Bacalhau.S3;

/// <summary>
/// Makes S3 clients with this process's credentials, never a job's: <c>AWS_ACCESS_KEY_ID</c> and
/// <c>AWS_SECRET_ACCESS_KEY</c> (with <c>AWS_SESSION_TOKEN</c>), else the profile <c>AWS_PROFILE</c> (or
/// <c>default</c>) of the AWS shared credentials and config files, the sources Bacalhau's nodes read. The endpoint is
/// the spec's, else <c>AWS_ENDPOINT_URL_S3</c> or <c>AWS_ENDPOINT_URL</c> (as the AWS SDKs read them), else AWS's;
/// the region the spec's, else <c>AWS_REGION</c> or <c>AWS_DEFAULT_REGION</c>, else us-east-1. An endpoint at a link-local
/// address (169.254.0.0/16, fe80::/10) or fd00:ec2::254, where clouds serve instance metadata, is refused.
/// </summary>
public sealed class S3Clients
{
    private const string DefaultRegion = "us-east-1";

    /// <summary>EC2's instance metadata over IPv6, not link-local but as sensitive.</summary>
    private static readonly IPAddress Ec2MetadataV6 = IPAddress.Parse("fd00:ec2::254");

    private readonly Func<string, string?> _environment;

    public S3Clients()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    /// <summary>With <paramref name="environment"/> in place of the process's environment variables.</summary>
    public S3Clients(Func<string, string?> environment) => _environment = environment;

    /// <summary>Whether this process has credentials to sign S3 requests with.</summary>
    public bool HasCredentials => Credentials() is not null;

    /// <summary>
    /// A client for <paramref name="endpoint"/> (empty: the default) in <paramref name="region"/> (empty: the
    /// default); the caller disposes it. Throws <see cref="S3AccessException"/> when this process has no credentials.
    /// </summary>
    public S3Client Create(string endpoint, string region)
    {
        var credentials = Credentials()
            ?? throw new S3AccessException("this node has no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in its environment, or a profile in the AWS shared credentials file");
        if (IsLinkLocal(endpoint))
        {
            // Where clouds answer instance metadata, such as the node's own credentials: never a job's store.
            throw new S3AccessException($"the endpoint {endpoint} is an instance metadata address, which is refused");
        }

        var url = endpoint.Length > 0 ? endpoint : Variable("AWS_ENDPOINT_URL_S3") ?? Variable("AWS_ENDPOINT_URL");
        var signingRegion = region.Length > 0 ? region : Variable("AWS_REGION") ?? Variable("AWS_DEFAULT_REGION") ?? DefaultRegion;
        var config = new AmazonS3Config();
        if (url is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(signingRegion);
        }
        else
        {
            // Another store than AWS: addressed by path (bucket in the path, as Bacalhau's fixed host does), and without
            // the checksums AWS added in 2025, which other stores do not all take.
            config.ServiceURL = url;
            config.AuthenticationRegion = signingRegion;
            config.ForcePathStyle = true;
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }

        return new S3Client(new AmazonS3Client(credentials, config), url);
    }

    private static bool IsLinkLocal(string endpoint)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var url) || !IPAddress.TryParse(url.Host.Trim('[', ']'), out var address))
        {
            return false;
        }

        address = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return address.IsIPv6LinkLocal || address.Equals(Ec2MetadataV6)
            || (address.AddressFamily == AddressFamily.InterNetwork && address.GetAddressBytes() is [169, 254, _, _]);
    }

    private AWSCredentials? Credentials()
    {
        if (Variable("AWS_ACCESS_KEY_ID") is { } id && Variable("AWS_SECRET_ACCESS_KEY") is { } secret)
        {
            return Variable("AWS_SESSION_TOKEN") is { } token ? new SessionAWSCredentials(id, secret, token) : new BasicAWSCredentials(id, secret);
        }

        return new CredentialProfileStoreChain().TryGetAWSCredentials(Variable("AWS_PROFILE") ?? "default", out var profile) ? profile : null;
    }

    private string? Variable(string name) => _environment(name) is { Length: > 0 } value ? value : null;
}

/// <summary>A client and the store it talks to: AWS when <see cref="Endpoint"/> is null.</summary>
public sealed record S3Client(IAmazonS3 Api, string? Endpoint) : IDisposable
{
    public bool IsCustomEndpoint => Endpoint is not null;

    /// <summary>The scheme URLs to the store take: a local store may well be plain http.</summary>
    public Protocol Protocol => Endpoint?.StartsWith("http:", StringComparison.OrdinalIgnoreCase) == true ? Protocol.HTTP : Protocol.HTTPS;

    public void Dispose() => Api.Dispose();
}

/// <summary>S3 cannot be reached as asked (no credentials); the message says why.</summary>
public sealed class S3AccessException(string message, Exception? inner = null) : Exception(message, inner);

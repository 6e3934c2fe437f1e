using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Bacalhau.Client;

/// <summary>The HTTP plumbing of <see cref="BacalhauClient.Create(Uri, TimeSpan?, BacalhauClientOptions?)"/>: credentials and trusted CA.</summary>
internal static class ClientHandler
{
    public static HttpMessageHandler Create(BacalhauClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var handler = new SocketsHttpHandler();
        if (options.CaCertificateFile is { } caFile)
        {
            var authorities = new X509Certificate2Collection();
            try
            {
                authorities.ImportFromPemFile(caFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new InvalidOperationException($"cannot read the CA certificate file '{caFile}': {ex.Message}", ex);
            }

            if (authorities.Count == 0)
            {
                throw new InvalidOperationException($"the CA certificate file '{caFile}' holds no PEM certificate");
            }

            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => certificate is not null && Trusted(certificate, errors, authorities),
            };
        }

        return handler;
    }

    public static AuthenticationHeaderValue? Authorization(BacalhauClientOptions options) =>
        options.ApiKey is { Length: > 0 } key ? new AuthenticationHeaderValue("Bearer", key)
        : options is { Username.Length: > 0, Password: { } password } ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{password}")))
        : null;

    /// <summary>The system's verdict, or else a chain that ends in one of <paramref name="authorities"/> with the name matching.</summary>
    private static bool Trusted(X509Certificate certificate, SslPolicyErrors errors, X509Certificate2Collection authorities)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}

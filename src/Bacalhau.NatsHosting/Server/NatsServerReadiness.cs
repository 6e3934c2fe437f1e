using NATS.Client.Core;

namespace Bacalhau.NatsHosting.Server;

/// <summary>
/// "Ready" means a real client of the cluster's account connects and gets its PING answered: a listening port alone
/// is not enough, the accounts must be loaded too. The launcher waits on it, the AppHost's health check asks it.
/// </summary>
public static class NatsServerReadiness
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Throws <see cref="NatsException"/> while the server at <paramref name="url"/> does not accept a client with
    /// <paramref name="auth"/> (in operator mode, a user of <see cref="NatsAccountSigner.ServiceUser"/>).
    /// </summary>
    public static async Task ProbeAsync(string url, NatsAuthOpts auth, string? caFile, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        ArgumentNullException.ThrowIfNull(auth);
        await using var probe = new NatsConnection(new NatsOpts
        {
            Url = url,
            AuthOpts = auth,
            TlsOpts = caFile is { Length: > 0 } ? NatsTlsOpts.Default with { CaFile = caFile, Mode = TlsMode.Require } : NatsTlsOpts.Default,
            ConnectTimeout = ConnectTimeout,
            MaxReconnectRetry = 0,
        });
        await probe.ConnectAsync();
        await probe.PingAsync(cancellationToken);
    }
}

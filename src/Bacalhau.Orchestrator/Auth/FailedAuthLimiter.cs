using System.Net;
using Microsoft.Extensions.Options;

namespace Bacalhau.Orchestrator.Auth;

/// <summary>
/// Counts failed authentications (a key or password that matches no user) per client address, so that guessing costs
/// the guesser time and the orchestrator no more than <c>API.Auth.FailedAttemptsPerMinute</c> password checks (each a
/// PBKDF2 of 600,000 rounds) per address and minute. An address over it is refused before its credentials are
/// checked, right or wrong, until its minute is over; other addresses, the same users included, are not affected, so
/// a wrong password cannot lock a user out from where they work.
/// </summary>
/// <remarks>
/// An IPv6 client is counted by its /64, the block one host usually gets, so that it cannot spread its guesses over
/// its own addresses. Loopback is counted like any address. At most <see cref="MaxTrackedAddresses"/> addresses are
/// remembered; once that many failed within the minute, further addresses share one count, so a crowd of addresses
/// can slow down only each other.
/// </remarks>
internal sealed class FailedAuthLimiter(IOptions<ApiAuthOptions> options, TimeProvider time)
{
    public const int MaxTrackedAddresses = 10_000;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly int _perWindow = options.Value.FailedAttemptsPerMinute;
    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, Failures> _failures = [];
    private readonly Failures _overflow = new();
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;

    /// <summary>How long <paramref name="address"/> must wait before its credentials are checked again; null when it need not.</summary>
    public TimeSpan? RetryAfter(IPAddress? address)
    {
        if (_perWindow == 0)
        {
            return null;
        }

        var now = time.GetUtcNow();
        lock (_lock)
        {
            var failures = Find(KeyOf(address), now, add: false);
            return failures is not null && now - failures.Since < Window && failures.Count >= _perWindow ? failures.Since + Window - now : null;
        }
    }

    /// <summary>Counts a failed authentication from <paramref name="address"/>; true when this one reached the limit.</summary>
    public bool Failed(IPAddress? address)
    {
        if (_perWindow == 0)
        {
            return false;
        }

        var now = time.GetUtcNow();
        lock (_lock)
        {
            var failures = Find(KeyOf(address), now, add: true)!;
            if (now - failures.Since >= Window)
            {
                failures.Since = now;
                failures.Count = 0;
            }

            return ++failures.Count == _perWindow;
        }
    }

    private Failures? Find(IPAddress key, DateTimeOffset now, bool add)
    {
        if (_failures.TryGetValue(key, out var failures))
        {
            return failures;
        }

        // Forgetting the addresses whose minute is over makes room; at most once a second, as it visits them all.
        if (_failures.Count >= MaxTrackedAddresses && now - _lastSweep >= TimeSpan.FromSeconds(1))
        {
            _lastSweep = now;
            foreach (var (address, old) in _failures)
            {
                if (now - old.Since >= Window)
                {
                    _failures.Remove(address);
                }
            }
        }

        if (_failures.Count >= MaxTrackedAddresses)
        {
            return _overflow;
        }

        if (!add)
        {
            return null;
        }

        failures = new Failures { Since = now };
        _failures[key] = failures;
        return failures;
    }

    private static IPAddress KeyOf(IPAddress? address)
    {
        if (address is null)
        {
            return IPAddress.None;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }

    private sealed class Failures
    {
        public DateTimeOffset Since { get; set; }

        public int Count { get; set; }
    }
}

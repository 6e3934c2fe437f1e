using Bacalhau.Identity;

namespace Bacalhau.Cli.Serve;

/// <summary><c>--peer</c>: comma-separated multiaddrs, checked here so that a typo is a one-line error naming the flag.</summary>
internal static class PeerFlag
{
    public static string Parse(string value)
    {
        var addresses = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (addresses.Length == 0)
        {
            throw new CliException("--peer: no multiaddr was given (expected /ip4/<ip>/tcp/<port>[/p2p/<peer ID>], comma-separated)");
        }

        try
        {
            return string.Join(',', addresses.Select(a => Multiaddr.Parse(a).ToString()));
        }
        catch (FormatException ex)
        {
            throw new CliException($"--peer: {ex.Message}");
        }
    }
}

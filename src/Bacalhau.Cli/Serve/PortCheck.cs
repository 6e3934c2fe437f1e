using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Bacalhau.Cli.Serve;

/// <summary>
/// Checks before anything starts that the ports a node listens on are free, so that a taken port is one line naming
/// the flag instead of a failed host start (the servers' own bind errors still apply should a port be taken meanwhile).
/// </summary>
internal static class PortCheck
{
    public static void EnsureFree(string host, int port, string flag)
    {
        if (port == 0)
        {
            return;
        }

        foreach (var address in Addresses(host))
        {
            using var listener = new TcpListener(address, port);
            if (!OperatingSystem.IsWindows())
            {
                // As the servers themselves bind: a port whose last connections linger in TIME_WAIT is free, only a listener holds it.
                listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }

            try
            {
                listener.Start();
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                throw new CliException($"port {port.ToString(CultureInfo.InvariantCulture)} on {host} is already in use; pick another with {flag}");
            }
            catch (SocketException)
            {
                // Not bindable here for another reason (an address family the machine lacks): the server will say.
            }
            finally
            {
                listener.Stop();
            }
        }
    }

    private static IPAddress[] Addresses(string host)
    {
        var bare = host.Trim('[', ']');
        if (bare is "0.0.0.0" or "*" or "+")
        {
            return [IPAddress.Any];
        }

        if (IPAddress.TryParse(bare, out var ip))
        {
            return [ip];
        }

        try
        {
            return Dns.GetHostAddresses(bare);
        }
        catch (SocketException)
        {
            return [];
        }
    }
}

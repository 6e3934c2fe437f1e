namespace Bacalhau.ServiceDefaults.Nats;

/// <summary>
/// Parses the server addresses a user may give: <c>nats://host:port</c>, <c>host:port</c>, <c>host</c>,
/// <c>token@host:port</c>, several separated by commas. A token in an address wins over a configured one.
/// </summary>
public static class NatsServerAddresses
{
    public const int DefaultPort = 4222;

    public static (string Url, string? Token) Parse(IEnumerable<string> addresses)
    {
        string? token = null;
        var urls = new List<string>();
        foreach (var raw in addresses.SelectMany(a => a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var text = raw.Contains("://", StringComparison.Ordinal) ? raw : "nats://" + raw;
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            {
                throw new FormatException($"'{raw}' is not a NATS address: expected nats://host:port, host:port or token@host:port");
            }

            if (!string.IsNullOrEmpty(uri.UserInfo))
            {
                token = Uri.UnescapeDataString(uri.UserInfo);
            }

            var port = uri.IsDefaultPort || uri.Port <= 0 ? DefaultPort : uri.Port;
            urls.Add($"{uri.Scheme}://{uri.Host}:{port}");
        }

        if (urls.Count == 0)
        {
            throw new FormatException("no NATS server address was given");
        }

        return (string.Join(',', urls), token);
    }
}

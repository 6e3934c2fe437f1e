using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Bacalhau.Orchestrator.Auth;

/// <summary>
/// The API keys and passwords the orchestrator accepts. Keys are looked up by their SHA-256, so neither the lookup's
/// timing nor a memory dump of the table gives a key away; a password, slow to check by design, is checked once and
/// then recognised by the SHA-256 of what was sent.
/// </summary>
internal sealed class ApiCredentials
{
    private const int MaxRememberedPasswords = 1024;

    private readonly Dictionary<string, ApiCaller> _keys;
    private readonly Dictionary<string, (string Hash, ApiCaller Caller)> _passwords;
    private readonly ConcurrentDictionary<string, ApiCaller> _checkedPasswords = new(StringComparer.Ordinal);

    public ApiCredentials(ApiAuthOptions options, string generatedAdminKey)
    {
        _keys = new(StringComparer.Ordinal) { [Digest(generatedAdminKey)] = new ApiCaller("generated admin key", ApiPermissions.All) };
        _passwords = new(StringComparer.Ordinal);
        foreach (var user in options.Users)
        {
            var caller = new ApiCaller(user.Alias ?? user.Username ?? "API key user", PermissionsOf(user));
            if (!string.IsNullOrEmpty(user.APIKey))
            {
                _keys[Digest(user.APIKey)] = caller;
            }

            if (!string.IsNullOrEmpty(user.Username) && !string.IsNullOrEmpty(user.Password))
            {
                _passwords[user.Username] = (user.Password, caller);
            }
        }
    }

    public static ApiPermissions PermissionsOf(ApiUserOptions user) =>
        user.Capabilities.SelectMany(c => c.Actions).Aggregate(ApiPermissions.None, (all, action) => all | (ApiActions.Parse(action) ?? ApiPermissions.None));

    public ApiCaller? FindByKey(string key) => _keys.GetValueOrDefault(Digest(key));

    public ApiCaller? FindByPassword(string username, string password)
    {
        var remembered = Digest(username + "\0" + password);
        if (_checkedPasswords.TryGetValue(remembered, out var caller))
        {
            return caller;
        }

        if (!_passwords.TryGetValue(username, out var entry) || !PasswordHash.Verify(password, entry.Hash))
        {
            return null;
        }

        if (_checkedPasswords.Count >= MaxRememberedPasswords)
        {
            _checkedPasswords.Clear();
        }

        _checkedPasswords[remembered] = entry.Caller;
        return entry.Caller;
    }

    private static string Digest(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}

using NATS.Client.Core;
using NATS.NKeys;

namespace Bacalhau.NatsHosting;

/// <summary>
/// The account every holder of the cluster token may enter: its key is derived from the token, so the token is
/// all a new node needs, and all the account holds is the import of the orchestrator's enrollment service.
/// </summary>
public static class EnrollmentAccount
{
    private const string Label = "bacalhau nats enrollment account v1";

    public static KeyPair KeyFor(string token) => NKeySeeds.Derive(token, Label, PrefixByte.Account);

    /// <summary>Credentials of a fresh, short-lived user of the enrollment account.</summary>
    public static NatsAuthOpts BootstrapUser(string token)
    {
        using var account = KeyFor(token);
        using var user = KeyPair.CreatePair(PrefixByte.User);
        var jwt = NatsJwt.User(account, user.GetPublicKey(), "enrollment", permissions: null, DateTimeOffset.UtcNow.AddMinutes(5));
        return NatsAuthOpts.Default with { Jwt = jwt, Seed = user.GetSeed() };
    }
}

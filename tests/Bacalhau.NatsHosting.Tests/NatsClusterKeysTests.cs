using NATS.NKeys;

namespace Bacalhau.NatsHosting.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NatsClusterKeysTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("bacalhau-nats-keys-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_keys_are_generated_once_owner_only_and_reused()
    {
        string first;
        using (var keys = NatsClusterKeys.LoadOrCreate(_directory))
        using (var signer = keys.Signer())
        {
            first = Issuer(signer.ServiceUser("a").Jwt!);
        }

        using var again = NatsClusterKeys.LoadOrCreate(_directory);
        using var signerAgain = again.Signer();
        Assert.Equal(first, Issuer(signerAgain.ServiceUser("b").Jwt!));
        Assert.All(Directory.GetFiles(_directory, "*.nk"), file => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file)));
    }

    [Fact]
    public void The_server_config_file_is_owner_only_and_holds_no_token_or_seed()
    {
        using var keys = NatsClusterKeys.LoadOrCreate(_directory);
        const string token = "the-cluster-token-0123456789";

        var path = keys.WriteServerConfig(token, "127.0.0.1", 4222, Path.Combine(_directory, "store"));

        var text = File.ReadAllText(path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        Assert.DoesNotContain(File.ReadAllText(keys.AccountSeedPath).Trim(), text, StringComparison.Ordinal);
        Assert.Contains("resolver: MEMORY", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_enrollment_account_is_the_same_for_the_same_token_and_another_for_another()
    {
        using var first = EnrollmentAccount.KeyFor("token-a");
        using var again = EnrollmentAccount.KeyFor("token-a");
        using var other = EnrollmentAccount.KeyFor("token-b");

        Assert.Equal(first.GetPublicKey(), again.GetPublicKey());
        Assert.NotEqual(first.GetPublicKey(), other.GetPublicKey());
        Assert.Equal(PrefixByte.Account, first.Prefix);
    }

    [Fact]
    public void A_seed_file_of_another_kind_is_refused_naming_it()
    {
        var path = Path.Combine(_directory, "account.nk");
        using (var user = KeyPair.CreatePair(PrefixByte.User))
        {
            File.WriteAllText(path, user.GetSeed());
        }

        var error = Assert.Throws<InvalidDataException>(() => NatsClusterKeys.LoadOrCreate(_directory));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    private static string Issuer(string jwt)
    {
        using var claims = NatsJwt.ReadClaims(jwt);
        return claims.RootElement.GetProperty("iss").GetString()!;
    }
}

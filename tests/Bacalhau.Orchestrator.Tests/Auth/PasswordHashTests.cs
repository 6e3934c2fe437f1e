using Bacalhau.Orchestrator.Auth;

namespace Bacalhau.Orchestrator.Tests.Auth;

public sealed class PasswordHashTests
{
    [Fact]
    public void A_hash_verifies_its_password_only()
    {
        var hash = PasswordHash.Create("correct horse");
        Assert.StartsWith(PasswordHash.Prefix, hash, StringComparison.Ordinal);
        Assert.DoesNotContain("correct horse", hash, StringComparison.Ordinal);
        Assert.Null(PasswordHash.Problem(hash));
        Assert.True(PasswordHash.Verify("correct horse", hash));
        Assert.False(PasswordHash.Verify("correct horsf", hash));
        Assert.NotEqual(hash, PasswordHash.Create("correct horse"));
    }

    [Theory]
    [InlineData("secureAdminPassword")]
    [InlineData("pbkdf2-sha256$1000$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==")]
    [InlineData("pbkdf2-sha256$600000$not base64$aGFzaGhhc2hoYXNoaGFzaA==")]
    [InlineData("pbkdf2-sha256$600000$c2FsdHNhbHQ=")]
    [InlineData("$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy")]
    public void Clear_text_weak_or_malformed_hashes_are_refused(string encoded)
    {
        Assert.NotNull(PasswordHash.Problem(encoded));
        Assert.False(PasswordHash.Verify(encoded, encoded));
    }
}

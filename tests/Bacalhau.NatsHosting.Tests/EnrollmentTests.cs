using Bacalhau.Identity;
using NATS.NKeys;

namespace Bacalhau.NatsHosting.Tests;

public sealed class EnrollmentTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("bacalhau-enrollment-").FullName;
    private readonly NodeKey _key;
    private readonly string _user;

    public EnrollmentTests()
    {
        _key = NodeKey.LoadOrCreate(_directory, NodeKey.DefaultPort);
        using var user = KeyPair.CreatePair(PrefixByte.User);
        _user = user.GetPublicKey();
    }

    public void Dispose()
    {
        _key.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void A_request_signed_by_the_key_it_carries_verifies()
    {
        var request = Enrollment.CreateRequest("node-1", _key, _user);

        Assert.Null(Enrollment.Verify(request, out var publicKey));
        Assert.Equal(_key.PublicKey, publicKey);
    }

    [Fact]
    public void A_node_named_by_its_own_peer_id_verifies()
    {
        Assert.Null(Enrollment.Verify(Enrollment.CreateRequest(_key.PeerId.Text, _key, _user), out _));
    }

    [Fact]
    public void Another_user_key_than_the_one_signed_is_refused()
    {
        using var other = KeyPair.CreatePair(PrefixByte.User);
        var request = Enrollment.CreateRequest("node-1", _key, _user) with { UserPublicKey = other.GetPublicKey() };

        Assert.Contains("does not verify", Enrollment.Verify(request, out _), StringComparison.Ordinal);
    }

    [Fact]
    public void Another_node_id_than_the_one_signed_is_refused()
    {
        var request = Enrollment.CreateRequest("node-1", _key, _user) with { NodeID = "node-2" };

        Assert.Contains("does not verify", Enrollment.Verify(request, out _), StringComparison.Ordinal);
    }

    [Fact]
    public void A_peer_id_of_another_key_as_node_id_is_refused()
    {
        using var otherKey = NodeKey.LoadOrCreate(Directory.CreateDirectory(Path.Combine(_directory, "other")).FullName, NodeKey.DefaultPort);

        var error = Enrollment.Verify(Enrollment.CreateRequest(otherKey.PeerId.Text, _key, _user), out _);

        Assert.Contains($"signed by peer {_key.PeerId}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_user_jwt_from_the_cluster_account_for_this_key_is_accepted_and_one_signed_with_the_token_is_not()
    {
        using var account = new NatsAccountSigner(KeyPair.CreatePair(PrefixByte.Account));
        using var tokenAccount = EnrollmentAccount.KeyFor("token");
        using var otherUser = KeyPair.CreatePair(PrefixByte.User);

        Assert.Null(Enrollment.CheckIssued(account.NodeUser("node-1", _user), _user, "token"));
        Assert.Contains("signed with the token", Enrollment.CheckIssued(NatsJwt.User(tokenAccount, _user, "node-1", null), _user, "token"), StringComparison.Ordinal);
        Assert.Contains("for this node's key", Enrollment.CheckIssued(account.NodeUser("node-1", otherUser.GetPublicKey()), _user, "token"), StringComparison.Ordinal);
        Assert.Contains("not a NATS user JWT", Enrollment.CheckIssued("garbage", _user, "token"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a.b", null, null, null, "must not contain")]
    [InlineData(null, "not-a-key", null, null, "UserPublicKey")]
    [InlineData(null, null, "%%%", null, "base64")]
    [InlineData(null, null, "AAAA", null, "cannot be read")]
    [InlineData(null, null, null, "AAAA", "does not verify")]
    [InlineData("", null, null, null, "must not be empty")]
    [InlineData(null, "", null, null, "UserPublicKey")]
    [InlineData(null, null, "", null, "are required")]
    [InlineData(null, null, null, "", "are required")]
    public void A_malformed_request_is_refused_saying_why(string? nodeId, string? user, string? publicKey, string? signature, string expected)
    {
        var valid = Enrollment.CreateRequest("node-1", _key, _user);
        var request = valid with
        {
            NodeID = nodeId ?? valid.NodeID,
            UserPublicKey = user ?? valid.UserPublicKey,
            PublicKey = publicKey ?? valid.PublicKey,
            Signature = signature ?? valid.Signature,
        };

        Assert.Contains(expected, Enrollment.Verify(request, out _), StringComparison.Ordinal);
    }
}

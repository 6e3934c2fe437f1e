
namespace Bacalhau.Identity.Tests;

public sealed class NodeKeyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bacalhau-key-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_node_restarted_with_the_same_data_dir_keeps_its_peer_id()
    {
        string first;
        using (var key = NodeKey.LoadOrCreate(_dir, NodeKey.DefaultPort))
        {
            first = key.PeerId.Text;
        }

        using var again = NodeKey.LoadOrCreate(_dir, NodeKey.DefaultPort);

        Assert.Equal(first, again.PeerId.Text);
        Assert.Equal(Path.Combine(_dir, "private_key.1235"), again.Path);
        Assert.StartsWith("Qm", first, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Two_data_dirs_or_two_ports_give_two_peer_ids()
    {
        var other = Directory.CreateTempSubdirectory("bacalhau-key-").FullName;
        try
        {
            using var a = NodeKey.LoadOrCreate(_dir, NodeKey.DefaultPort);
            using var b = NodeKey.LoadOrCreate(other, NodeKey.DefaultPort);
            using var c = NodeKey.LoadOrCreate(_dir, 4222);

            Assert.Equal(3, new[] { a.PeerId, b.PeerId, c.PeerId }.Distinct().Count());
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    [Fact]
    public void The_key_file_is_owner_only_and_holds_a_libp2p_marshalled_rsa_2048_key_in_base64()
    {
        using var key = NodeKey.LoadOrCreate(_dir, 4321);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key.Path));
        }

        var marshalled = Convert.FromBase64String(File.ReadAllText(key.Path).Trim());
        Assert.Equal([0x08, 0x00, 0x12], marshalled[..3]);
        using var rsa = Libp2pKeys.UnmarshalPrivateKey(marshalled);
        Assert.Equal(2048, rsa.KeySize);
        Assert.Equal(key.PublicKey, Libp2pKeys.MarshalPublicKey(rsa));
    }

    [Fact]
    public void A_key_file_written_by_go_libp2p_bacalhau_is_loaded_with_its_peer_id()
    {
        File.WriteAllText(Path.Combine(_dir, NodeKey.FileName(1235)), Libp2pVectors.GoPrivateKey + "\n");

        using var key = NodeKey.LoadOrCreate(_dir, 1235);

        Assert.Equal(Libp2pVectors.GoPeerId, key.PeerId.Text);
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("CAESIA==")]
    [InlineData("")]
    public void A_corrupt_key_file_is_a_clear_error_naming_the_file_and_is_left_alone(string content)
    {
        var path = Path.Combine(_dir, NodeKey.FileName(1235));
        File.WriteAllText(path, content);

        var error = Assert.Throws<InvalidDataException>(() => NodeKey.LoadOrCreate(_dir, 1235));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllText(path));
    }

    [Fact]
    public void A_signed_challenge_verifies_only_for_the_expected_peer_and_the_same_nonce()
    {
        using var key = NodeKey.LoadOrCreate(_dir, 1235);
        using var other = NodeKey.LoadOrCreate(_dir, 1236);
        var nonce = IdentityChallenge.NewNonce();
        var signature = IdentityChallenge.Sign(key, nonce);

        Assert.Null(IdentityChallenge.Verify([key.PeerId], key.PublicKey, nonce, signature));
        Assert.Contains($"it is peer {key.PeerId}, not {other.PeerId}", IdentityChallenge.Verify([other.PeerId], key.PublicKey, nonce, signature), StringComparison.Ordinal);
        Assert.Contains("does not verify", IdentityChallenge.Verify([key.PeerId], key.PublicKey, IdentityChallenge.NewNonce(), signature), StringComparison.Ordinal);
        // Someone who only knows the public key cannot answer for it with a signature of another key.
        Assert.Contains("does not verify", IdentityChallenge.Verify([key.PeerId], key.PublicKey, nonce, IdentityChallenge.Sign(other, nonce)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 1235)]
    [InlineData("4222", 4222)]
    public void Key_files_are_named_after_the_configured_port_else_1235(string? configured, int port) =>
        Assert.Equal(port, NodeKey.PortOf(configured));
}

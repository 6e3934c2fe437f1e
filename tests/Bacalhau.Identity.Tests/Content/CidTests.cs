using System.Security.Cryptography;
using System.Text;
using Bacalhau.Identity.Content;

namespace Bacalhau.Identity.Tests.Content;

public sealed class CidTests
{
    // Published CIDv1 (raw, sha2-256, base32) values: "Hello world" from the ipfs-cid package's documentation,
    // the empty block as IPFS tools print it.
    [Theory]
    [InlineData("Hello world", "bafkreide5semuafsnds3ugrvm6fbwuyw2ijpj43gwjdxemstjkfozi37hq")]
    [InlineData("", "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku")]
    public void The_cid_of_raw_content_matches_the_published_test_vectors(string content, string expected)
    {
        var cid = Cid.ForRaw(Encoding.UTF8.GetBytes(content));

        Assert.Equal(expected, cid.ToString());
        Assert.Equal(Cid.RawCodec, cid.Codec);
        Assert.Equal(Cid.Sha2_256, cid.HashFunction);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(content)), cid.Digest);
    }

    [Fact]
    public void A_cid_parses_back_to_itself()
    {
        var cid = Cid.ForRaw("hello\n"u8);

        Assert.True(Cid.TryParse(cid.ToString(), out var parsed, out var problem), problem);
        Assert.Equal(cid, parsed);
        Assert.Equal(cid.Digest, parsed.Digest);
    }

    [Fact]
    public void A_dag_pb_cid_from_elsewhere_parses_with_its_codec()
    {
        // The CIDv1 of IPFS's empty directory (dag-pb, 0x70).
        Assert.True(Cid.TryParse("bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354", out var cid, out var problem), problem);
        Assert.Equal(0x70UL, cid.Codec);
        Assert.Equal(Cid.Sha2_256, cid.HashFunction);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("QmeNhAA97qtdGHQtd1Qvgk13C6GHkn6aTCT8ih53JLN7vL", "a CIDv0 (Qm...); only CIDv1 in base32 (b...) is served here")]
    [InlineData("zb2rhe5P4gXftAwvA4eXQ5HJwsER2owDyS9sKaQRRVQPn93bA", "multibase prefix 'z' is not supported; a CIDv1 here is base32, starting with 'b'")]
    [InlineData("bafkreide5semuafsnds3ugrvm6fbwuyw2ijpj43gwjdxemstjkfozi37h1", "not valid lower-case base32 after the 'b' prefix")]
    [InlineData("BAFKREIDE5SEMUAFSNDS3UGRVM6FBWUYW2IJPJ43GWJDXEMSTJKFOZI37HQ", "multibase prefix 'B' is not supported; a CIDv1 here is base32, starting with 'b'")]
    [InlineData("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvy", "the multihash says 32 digest bytes but 31 follow")]
    [InlineData("bafkrebabaibqi", "a sha2-256 multihash has 32 digest bytes, got 4")]
    [InlineData("bafkq", "truncated: it ends before its version, codec and multihash header")]
    [InlineData("bajkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", "CID version 2 is not supported; expected 1")]
    public void A_malformed_cid_is_refused_saying_why(string text, string expected)
    {
        Assert.False(Cid.TryParse(text, out var cid, out var problem));
        Assert.Null(cid);
        Assert.Equal(expected, problem);
    }

    [Fact]
    public void Base32_round_trips_every_length_and_refuses_nonzero_padding_bits()
    {
        for (var length = 0; length <= 11; length++)
        {
            var data = Enumerable.Range(1, length).Select(i => (byte)(i * 37)).ToArray();
            Assert.True(Base32.TryDecode(Base32.Encode(data), out var decoded));
            Assert.Equal(data, decoded);
        }

        // "a" followed by "b": the second character's low bits would be a non-zero padding.
        Assert.Equal("me", Base32.Encode("a"u8));
        Assert.False(Base32.TryDecode("mf", out _));
    }
}

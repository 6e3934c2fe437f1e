using System.Text;
using Bacalhau.Orchestrator.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Bacalhau.Orchestrator.Tests.Api;

public sealed class RequestBodyReaderTests
{
    private const int Limit = 64 * 1024;

    private static readonly RequestBodyReader Reader = new(Options.Create(new ApiLimitsOptions { MaxRequestBodySize = Limit }));

    /// <summary>A request with <paramref name="body"/>, its length given or (as a chunked body) not.</summary>
    private static HttpRequest Request(byte[] body, bool lengthGiven)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = lengthGiven ? body.Length : null;
        return context.Request;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_up_to_the_limit_is_read_whole_without_its_byte_order_mark(bool lengthGiven)
    {
        var text = "{\"Name\": \"" + new string('é', (Limit - 20) / 2) + "\"}";
        var body = Encoding.UTF8.GetBytes(text);
        Assert.True(body.Length is > Limit - 20 and <= Limit - 3);

        var read = await Reader.ReadUtf8Async(Request([.. Encoding.UTF8.Preamble, .. body], lengthGiven), CancellationToken.None);

        Assert.Equal(text, Encoding.UTF8.GetString(read.Span));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_the_limit_is_refused_with_413(bool lengthGiven)
    {
        var ex = await Assert.ThrowsAsync<BadHttpRequestException>(() => Reader.ReadUtf8Async(Request(new byte[Limit + 1], lengthGiven), CancellationToken.None));

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, ex.StatusCode);
        Assert.Contains($"{Limit} bytes", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_that_is_not_utf8_is_refused(bool lengthGiven)
    {
        byte[] body = [.. "{\"Name\": \"a"u8, 0xED, 0xA0, 0x80, .. "\"}"u8];

        await Assert.ThrowsAsync<DecoderFallbackException>(() => Reader.ReadUtf8Async(Request(body, lengthGiven), CancellationToken.None));
    }

    [Fact]
    public async Task A_body_declared_a_little_over_the_limit_is_read_to_its_end_before_the_413_so_the_client_gets_the_answer()
    {
        var body = new MemoryStream(new byte[Limit + 100]);
        var size = new BodySizeFeature();
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpMaxRequestBodySizeFeature>(size);
        context.Request.Body = body;
        context.Request.ContentLength = body.Length;

        var ex = await Assert.ThrowsAsync<BadHttpRequestException>(() => Reader.ReadUtf8Async(context.Request, CancellationToken.None));

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, ex.StatusCode);
        Assert.Equal(body.Length, body.Position);
        Assert.Equal(body.Length, size.MaxRequestBodySize);
    }

    [Fact]
    public async Task A_body_declared_far_over_the_limit_is_refused_without_raising_the_limit_to_drain_it()
    {
        var body = new MemoryStream(new byte[2 * Limit]);
        var size = new BodySizeFeature();
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpMaxRequestBodySizeFeature>(size);
        context.Request.Body = body;
        context.Request.ContentLength = 1L << 30;

        var ex = await Assert.ThrowsAsync<BadHttpRequestException>(() => Reader.ReadUtf8Async(context.Request, CancellationToken.None));

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, ex.StatusCode);
        // Not raised to drain it: the server's own limit refuses the body at its first read.
        Assert.Equal(Limit, size.MaxRequestBodySize);
    }

    private sealed class BodySizeFeature : IHttpMaxRequestBodySizeFeature
    {
        public bool IsReadOnly => false;

        public long? MaxRequestBodySize { get; set; } = Limit;
    }
}

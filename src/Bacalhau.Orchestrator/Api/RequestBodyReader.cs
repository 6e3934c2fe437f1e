using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Bacalhau.Orchestrator.Api;

/// <summary>
/// Reads a request body once, as the UTF-8 bytes it is, into an array of its own size: parsers read those bytes, no
/// copy of the body is made as text, and nothing of it is rented from the shared array pool, which would keep
/// body-sized arrays for good once bodies near <see cref="ApiLimitsOptions.MaxRequestBodySize"/> came by.
/// </summary>
internal sealed class RequestBodyReader(IOptions<ApiLimitsOptions> limits)
{
    private const int ChunkSize = 4096;

    // A body declared over the limit by at most this much is read to its end and dropped before the 413, so that the
    // client, which is still sending it, reads the answer instead of a connection closed under it.
    private const long DrainAtMost = 8L << 20;

    /// <summary>The body, without a UTF-8 byte order mark.</summary>
    /// <exception cref="BadHttpRequestException">The body is larger than the limit (413), or the client broke it off.</exception>
    /// <exception cref="DecoderFallbackException">The body is not UTF-8.</exception>
    public async Task<ReadOnlyMemory<byte>> ReadUtf8Async(HttpRequest request, CancellationToken cancellationToken)
    {
        var limit = limits.Value.MaxRequestBodySize;
        if (request.ContentLength is { } declared && declared > limit && declared - limit <= DrainAtMost
            && request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = declared;
            await DrainAsync(request.Body, cancellationToken);
            throw TooLarge(limit);
        }

        // A length further over the limit is read like a body of unknown length: the server's own limit refuses it at
        // the first read and closes the connection.
        var body = request.ContentLength is { } length && length <= limit
            ? await ReadExactlyAsync(request.Body, length, cancellationToken)
            : await ReadToEndAsync(request.Body, limit, cancellationToken);
        if (!Utf8.IsValid(body.Span))
        {
            throw new DecoderFallbackException("the request body is not UTF-8");
        }

        return body.Span.StartsWith(Encoding.UTF8.Preamble) ? body[Encoding.UTF8.Preamble.Length..] : body;
    }

    private static async Task<ReadOnlyMemory<byte>> ReadExactlyAsync(Stream body, long length, CancellationToken cancellationToken)
    {
        var buffer = new byte[length];
        await body.ReadExactlyAsync(buffer, cancellationToken);
        return buffer;
    }

    private static async Task DrainAsync(Stream body, CancellationToken cancellationToken)
    {
        var chunk = new byte[ChunkSize];
        while (await body.ReadAsync(chunk, cancellationToken) > 0)
        {
        }
    }

    /// <summary>A body of unknown length (chunked) or one too long: read until it ends or passes the limit.</summary>
    private static async Task<ReadOnlyMemory<byte>> ReadToEndAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(ChunkSize);
        while (await body.ReadAsync(buffer.GetMemory(ChunkSize), cancellationToken) is var read and > 0)
        {
            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                throw TooLarge(limit);
            }
        }

        return buffer.WrittenMemory;
    }

    // Worded as Kestrel words its own refusal of a body over the limit.
    private static BadHttpRequestException TooLarge(long limit) =>
        new($"Request body too large. The max request body size is {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
}

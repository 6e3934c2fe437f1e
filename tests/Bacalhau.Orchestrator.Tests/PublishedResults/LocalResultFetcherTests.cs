using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Orchestrator.PublishedResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bacalhau.Orchestrator.Tests.PublishedResults;

/// <summary>What the orchestrator fetches from a node for its clients, against a real HTTP listener playing the node.</summary>
public sealed class LocalResultFetcherTests : IDisposable
{
    private static readonly byte[] Content = "a result archive"u8.ToArray();
    private static readonly string Name = Convert.ToHexStringLower(SHA256.HashData(Content)) + ".tar.gz";

    private readonly HttpListener _node = new();
    private readonly Uri _address;
    private readonly ServiceProvider _services = new ServiceCollection().AddHttpClient().BuildServiceProvider();

    public LocalResultFetcherTests()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        _address = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/");
        probe.Stop();
        _node.Prefixes.Add(_address.ToString());
        _node.Start();
    }

    public void Dispose()
    {
        _node.Close();
        _services.Dispose();
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/results/{name}")]
    [InlineData("http://user:secret@127.0.0.1/results/{name}")]
    [InlineData("http://127.0.0.1/results/{name}?x=1")]
    [InlineData("http://127.0.0.1/admin/{name}")]
    [InlineData("http://127.0.0.1/results/../state.db")]
    [InlineData("http://127.0.0.1/results/ABC.tar.gz")]
    [InlineData("not a url")]
    public void Only_a_url_of_the_shape_a_node_gives_out_is_fetched(string url)
    {
        Assert.False(LocalResultFetcher.TryLocate(Published(url.Replace("{name}", Name, StringComparison.Ordinal)), out _, out _, out var problem));
        Assert.NotEmpty(problem);
    }

    [Fact]
    public async Task The_archive_is_handed_on_only_when_its_bytes_hash_to_its_name()
    {
        Assert.True(LocalResultFetcher.TryLocate(Published($"{_address}results/{Name}"), out var url, out var sha256, out _));
        var fetcher = new LocalResultFetcher(_services.GetRequiredService<IHttpClientFactory>(), NullLogger<LocalResultFetcher>.Instance);

        var served = ServeOnceAsync(Content);
        await using (var file = await fetcher.FetchAsync(url, sha256, CancellationToken.None))
        {
            using var copy = new MemoryStream();
            await file.CopyToAsync(copy);
            Assert.Equal(Content, copy.ToArray());
        }

        Assert.Equal($"/results/{Name}", await served);

        served = ServeOnceAsync("other bytes under that name"u8.ToArray());
        var error = await Assert.ThrowsAsync<ResultFetchException>(() => fetcher.FetchAsync(url, sha256, CancellationToken.None));
        Assert.Equal("its bytes do not hash to its name", error.Message);
        await served;
    }

    private static SpecConfig Published(string url) => new()
    {
        Type = PublisherTypes.Local,
        Params = { ["URL"] = JsonSerializer.SerializeToElement(url, Contracts.Serialization.BacalhauJsonContext.Default.String) },
    };

    private async Task<string> ServeOnceAsync(byte[] body)
    {
        var context = await _node.GetContextAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await context.Response.OutputStream.WriteAsync(body);
        context.Response.Close();
        return context.Request.Url!.AbsolutePath;
    }
}

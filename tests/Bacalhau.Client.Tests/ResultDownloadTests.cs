using System.Net;
using System.Net.Sockets;

namespace Bacalhau.Client.Tests;

/// <summary><see cref="BacalhauClient.DownloadAsync"/> against real HTTP listeners on loopback.</summary>
public sealed class ResultDownloadTests : IDisposable
{
    private readonly Server _orchestrator = new();
    private readonly Server _elsewhere = new();

    public void Dispose()
    {
        _orchestrator.Dispose();
        _elsewhere.Dispose();
    }

    [Fact]
    public async Task Credentials_go_to_the_orchestrator_and_never_to_a_url_on_another_host()
    {
        var client = BacalhauClient.Create(_orchestrator.Address, options: new BacalhauClientOptions(ApiKey: "key-of-the-user-1234"));

        using var fromApi = new MemoryStream();
        var served = _orchestrator.ServeOnceAsync("archive"u8.ToArray());
        await client.DownloadAsync(new Uri("api/v1/ipfs/x", UriKind.Relative), fromApi, maxBytes: 100);
        Assert.Equal("Bearer key-of-the-user-1234", (await served).Authorization);
        Assert.Equal("archive"u8.ToArray(), fromApi.ToArray());

        using var fromElsewhere = new MemoryStream();
        served = _elsewhere.ServeOnceAsync("other"u8.ToArray());
        await client.DownloadAsync(new Uri(_elsewhere.Address, "results/x.tar.gz"), fromElsewhere, maxBytes: 100);
        Assert.Null((await served).Authorization);
        Assert.Equal("other"u8.ToArray(), fromElsewhere.ToArray());
    }

    [Fact]
    public async Task An_answer_longer_than_the_bound_is_cut_off()
    {
        var client = BacalhauClient.Create(_orchestrator.Address);
        using var destination = new MemoryStream();
        var served = _orchestrator.ServeOnceAsync(new byte[1000]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => client.DownloadAsync(new Uri("big", UriKind.Relative), destination, maxBytes: 999));

        Assert.Contains("999", error.Message, StringComparison.Ordinal);
        await served;
    }

    /// <summary>An HTTP listener on a free loopback port that answers one request at a time with the given bytes.</summary>
    private sealed class Server : IDisposable
    {
        private readonly HttpListener _listener = new();

        public Server()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            Address = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/");
            probe.Stop();
            _listener.Prefixes.Add(Address.ToString());
            _listener.Start();
        }

        public Uri Address { get; }

        public async Task<(string? Authorization, string Path)> ServeOnceAsync(byte[] body)
        {
            var context = await _listener.GetContextAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var seen = (context.Request.Headers["Authorization"], context.Request.Url!.AbsolutePath);
            context.Response.ContentType = "application/gzip";
            try
            {
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
            catch (HttpListenerException)
            {
                // The client stopped reading once it had enough.
            }

            return seen;
        }

        public void Dispose() => _listener.Close();
    }
}

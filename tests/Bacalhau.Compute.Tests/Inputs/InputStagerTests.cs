using System.Text.Json;
using Bacalhau.Compute.Executors;
using Bacalhau.Compute.Inputs;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Messaging.Content;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace Bacalhau.Compute.Tests.Inputs;

/// <summary>The stager as a compute node registers it, against a web server on the loopback interface.</summary>
public sealed class InputStagerTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("bacalhau-inputs-").FullName;
    private readonly string _allowed;
    private readonly string _outside;
    private WebApplication? _server;
    private IHost? _host;
    private string _baseUrl = "";

    public InputStagerTests()
    {
        _allowed = Directory.CreateDirectory(Path.Combine(_root, "allowed")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(_root, "outside")).FullName;
    }

    private InputStager Stager => _host!.Services.GetRequiredService<InputStager>();

    private string WorkingDirectory => Path.Combine(_root, "work");

    public async Task InitializeAsync()
    {
        var web = WebApplication.CreateSlimBuilder();
        web.WebHost.UseUrls("http://127.0.0.1:0");
        _server = web.Build();
        _server.MapGet("/files/{name}", (string name) => Results.Text($"content of {name}"));
        _server.MapGet("/missing", () => Results.NotFound());
        _server.MapGet("/slow", async (CancellationToken aborted) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), aborted);
            return Results.Text("late");
        });
        await _server.StartAsync();
        _baseUrl = _server.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Compute:AllowListedLocalPaths:0"] = _allowed + ":rw",
            ["InputSources:ReadTimeout"] = "00:01:00",
        });
        builder.Services.Configure<ComputeOptions>(builder.Configuration.GetSection(ComputeOptions.SectionName));
        // The ipfs source's store; a connection that is never opened, as no input here reads the content store.
        builder.Services.AddSingleton<INatsConnection>(_ => new NatsConnection());
        builder.Services.AddSingleton<ContentStore>();
        builder.AddInputSources(new HashSet<string>());
        _host = builder.Build();
    }

    public async Task DisposeAsync()
    {
        _host?.Dispose();
        if (_server is not null)
        {
            await _server.StopAsync();
            await _server.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Inline_content_lands_in_the_working_directory_named_after_the_target()
    {
        var staged = await StageAsync(Input(SourceTypes.Inline, "URL", "data:,hello"), "/inputs/greeting.txt");

        Assert.Equal(Path.Combine(WorkingDirectory, "inputs", "0", "greeting.txt"), staged.HostPath);
        Assert.Equal("hello", await File.ReadAllTextAsync(staged.HostPath));
        Assert.Equal("/inputs/greeting.txt", staged.Target);
    }

    [Theory]
    [InlineData("/..")]
    [InlineData("/")]
    [InlineData("/a/.")]
    public async Task Targets_cannot_lead_out_of_the_working_directory(string target)
    {
        var staged = await StageAsync(Input(SourceTypes.Inline, "URL", "data:,x"), target);

        Assert.StartsWith(Path.Combine(WorkingDirectory, "inputs", "0") + Path.DirectorySeparatorChar, Path.GetFullPath(staged.HostPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_source_type_is_refused_by_name()
    {
        var error = await Assert.ThrowsAsync<InputException>(() => StageAsync(Input("ftp", "URL", "ftp://example.com/a"), "/data"));

        Assert.Contains("'ftp'", error.Message, StringComparison.Ordinal);
        Assert.Contains("InputSources[0]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UrlDownload_fetches_the_file_to_its_target()
    {
        var staged = await StageAsync(Input(SourceTypes.UrlDownload, "URL", $"{_baseUrl}/files/a.csv"), "/inputs/data.csv");

        Assert.Equal("content of a.csv", await File.ReadAllTextAsync(staged.HostPath));
    }

    [Fact]
    public async Task UrlDownload_to_a_directory_target_keeps_the_url_file_name()
    {
        var staged = await StageAsync(Input(SourceTypes.UrlDownload, "URL", $"{_baseUrl}/files/b.txt"), "/inputs/");

        Assert.True(Directory.Exists(staged.HostPath));
        Assert.Equal("content of b.txt", await File.ReadAllTextAsync(Path.Combine(staged.HostPath, "b.txt")));
    }

    [Fact]
    public async Task UrlDownload_of_a_missing_file_names_the_url_and_status()
    {
        var url = $"{_baseUrl}/missing";

        var error = await Assert.ThrowsAsync<InputException>(() => StageAsync(Input(SourceTypes.UrlDownload, "URL", url), "/inputs/x"));

        Assert.Contains(url, error.Message, StringComparison.Ordinal);
        Assert.Contains("404", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UrlDownload_from_an_unreachable_host_names_the_url()
    {
        var url = $"http://127.0.0.1:{FreePort()}/file";

        var error = await Assert.ThrowsAsync<InputException>(() => StageAsync(Input(SourceTypes.UrlDownload, "URL", url), "/inputs/x"));

        Assert.Contains(url, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UrlDownload_gives_up_after_the_read_timeout()
    {
        var impatient = new UrlDownloadSource(
            _host!.Services.GetRequiredService<IHttpClientFactory>(),
            Options.Create(new InputSourcesOptions { ReadTimeout = TimeSpan.FromMilliseconds(500) }));
        var input = new InputSource { Source = Input(SourceTypes.UrlDownload, "URL", $"{_baseUrl}/slow"), Target = "/inputs/x" };

        var error = await Assert.ThrowsAsync<InputException>(() => new InputStager([impatient]).StageAsync(input, WorkingDirectory, "slow", CancellationToken.None))
            .WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Contains("InputSources.ReadTimeout", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/x")]
    [InlineData("not a url")]
    public async Task UrlDownload_needs_an_http_url(string url)
    {
        var error = await Assert.ThrowsAsync<InputException>(() => StageAsync(Input(SourceTypes.UrlDownload, "URL", url), "/inputs/x"));

        Assert.Contains(url, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_local_path_under_an_allowed_directory_is_mounted_in_place()
    {
        var data = Directory.CreateDirectory(Path.Combine(_allowed, "data")).FullName;

        var staged = await StageAsync(Input(SourceTypes.Local, "SourcePath", data), "/data");

        Assert.Equal(data, staged.HostPath);
        Assert.False(Directory.Exists(Path.Combine(WorkingDirectory, "inputs", "0", "data")));
    }

    [Fact]
    public async Task A_local_path_outside_the_allowed_directories_is_refused_naming_it_and_the_setting()
    {
        var error = await Assert.ThrowsAsync<InputException>(() => StageAsync(Input(SourceTypes.Local, "SourcePath", _outside), "/data"));

        Assert.Contains(_outside, error.Message, StringComparison.Ordinal);
        Assert.Contains("Compute.AllowListedLocalPaths", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_symbolic_link_cannot_lead_out_of_an_allowed_directory()
    {
        var link = Path.Combine(_allowed, "sneaky");
        Directory.CreateSymbolicLink(link, _outside);

        var error = await Assert.ThrowsAsync<InputException>(() => StageAsync(Input(SourceTypes.Local, "SourcePath", link), "/data"));

        Assert.Contains(link, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sibling_with_a_common_prefix_is_not_under_the_allowed_directory()
    {
        var sibling = Directory.CreateDirectory(_allowed + "-not").FullName;

        await Assert.ThrowsAsync<InputException>(() => StageAsync(Input(SourceTypes.Local, "SourcePath", sibling), "/data"));
    }

    private async Task<MountedInput> StageAsync(SpecConfig source, string target)
    {
        var task = new JobTask { InputSources = [new InputSource { Source = source, Target = target }] };
        return Assert.Single(await Stager.StageAsync(task, WorkingDirectory, CancellationToken.None));
    }

    private static SpecConfig Input(string type, string param, string value) =>
        new() { Type = type, Params = { [param] = JsonSerializer.SerializeToElement(value) } };

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Identity.Content;
using Bacalhau.IntegrationTests.Executors;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.IntegrationTests.Jobs;

/// <summary>
/// The legacy generic endpoint as Bacalhau's networking documentation shows it: the same curl body, posted without a
/// JSON content type, runs a real container and answers the CID the result is then fetched by.
/// </summary>
[Collection(DockerCluster.Name)]
public sealed class LegacyRunEndpointTests(DockerClusterFixture fixture) : IAsyncLifetime
{
    private const string SeedSpec = """{"Engine": "Docker", "Docker": {"Image": "ubuntu", "Entrypoint": ["echo", "hello"]}, "Deal": {"Concurrency": 1}, "Verifier": "Noop", "Publisher": "IPFS"}""";
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);

    private ClusterFixture Cluster => fixture.Cluster;

    public Task InitializeAsync() => fixture.WaitForIpfsAsync();

    public async Task DisposeAsync() => Assert.Empty(await fixture.Daemon.ContainersLeftAsync(TimeSpan.FromSeconds(30)));

    [Fact]
    public async Task The_documented_curl_runs_the_job_and_its_cid_serves_the_output()
    {
        using var response = await PostRunAsync(SeedSpec);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var cid = body.RootElement.GetProperty("cid").GetString()!;
        Assert.True(Cid.TryParse(cid, out var parsed, out var problem), problem);
        Assert.StartsWith("bafkrei", cid, StringComparison.Ordinal);

        Assert.Equal("hello\n", await Cluster.Api.GetStringAsync($"/ipfs/{cid}/stdout"));
        Assert.Equal("0", await Cluster.Api.GetStringAsync($"/api/v1/ipfs/{cid}/exitCode"));
        Assert.Equal("", await Cluster.Api.GetStringAsync($"/ipfs/{cid}/stderr"));
        var archive = await Cluster.Api.GetByteArrayAsync($"/ipfs/{cid}");
        Assert.Equal(parsed, Cid.ForRaw(archive));
        var files = await DockerJobTests.ReadArchiveAsync(new MemoryStream(archive));
        Assert.Equal("hello\n", files["stdout"]);
        Assert.Equal("", files["stderr"]);
    }

    [Fact]
    public async Task A_v1_job_can_publish_to_ipfs_too()
    {
        var job = DockerJobTests.ShellJob("echo published");
        job.Tasks[0].Publisher = new SpecConfig { Type = PublisherTypes.Ipfs };

        var submitted = await Cluster.SubmitAsync(job);
        var done = await Cluster.WaitForJobAsync(submitted.JobID, JobStateType.Completed, RunTimeout);

        var published = Assert.Single(done.Executions!.Items).PublishedResult!;
        Assert.Equal(PublisherTypes.Ipfs, published.Type);
        Assert.True(published.TryGetParam("CID", out var cid));
        Assert.Equal("published\n", await Cluster.Api.GetStringAsync($"/ipfs/{cid.GetString()}/stdout"));
    }

    [Fact]
    public async Task A_failed_job_is_an_error_naming_the_job_and_why()
    {
        using var response = await PostRunAsync(SeedSpec.Replace("\"ubuntu\"", "\"no-such-image:0.1\"", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var message = await ErrorMessageAsync(response);
        Assert.Matches("^job j-[0-9a-f-]{36} Failed: ", message);
        Assert.Contains("no-such-image:0.1", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"Engine": "Docker", "Docker": {"Image": "ubuntu"}, "Verifier": "Deterministic"}""", "Verifier: verifier 'Deterministic' is not supported by Bacalhau.NET; supported verifiers: Noop")]
    [InlineData("""{"Engine": "Language", "Language": {"Language": "python", "LanguageVersion": "3.10"}}""", "Engine: engine 'Language' is not supported by Bacalhau.NET; supported engines: Docker, Noop, Wasm")]
    [InlineData("""{"Engine": "Docker", "Docker": {"Image": "ubuntu"}, "Publisher": "Estuary"}""", "Publisher: publisher 'Estuary' is not supported by Bacalhau.NET; supported publishers: IPFS")]
    [InlineData("""{"Engine": "Docker", "Docker": {"Image": "ubuntu"}, "Colour": "blue"}""", "Colour: unknown field of a v1beta1 spec")]
    [InlineData("""{"Engine": "Docker", "Docker": {"Image": "ubuntu",""", "invalid JSON")]
    public async Task A_spec_that_cannot_be_run_as_written_is_a_400_naming_the_field(string spec, string message)
    {
        using var response = await PostRunAsync(spec);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(message, await ErrorMessageAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Content_is_found_only_by_a_well_formed_cid_it_has()
    {
        using var malformed = await Cluster.Api.GetAsync("/ipfs/QmeNhAA97qtdGHQtd1Qvgk13C6GHkn6aTCT8ih53JLN7vL");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("'QmeNhAA97qtdGHQtd1Qvgk13C6GHkn6aTCT8ih53JLN7vL' is not a CID: a CIDv0 (Qm...); only CIDv1 in base32 (b...) is served here", await ErrorMessageAsync(malformed));

        var unknown = Cid.ForRaw(Guid.NewGuid().ToByteArray());
        using var missing = await Cluster.Api.GetAsync($"/ipfs/{unknown}/stdout");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal($"no content with CID {unknown}", await ErrorMessageAsync(missing));
    }

    /// <summary>As <c>curl -XPOST -d '...'</c> sends it: a form content type over a JSON body.</summary>
    private async Task<HttpResponseMessage> PostRunAsync(string body)
    {
        using var timeout = new CancellationTokenSource(RunTimeout);
        using var content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded");
        return await Cluster.Api.PostAsync("/api/v1/run", content, timeout.Token);
    }

    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync(BacalhauJsonContext.Default.ApiError))!.Message;
}

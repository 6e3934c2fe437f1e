using System.Net;
using System.Xml.Linq;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.Cli.Tests.Infrastructure;

/// <summary>
/// A real S3-compatible store for tests: npm's <c>s3rver</c>, installed into a temporary directory (one store serves
/// a whole test class), started on a free loopback port with its data in that directory, stopped by PID and removed.
/// It takes SigV4 requests signed with <see cref="AccessKey"/>/<see cref="SecretKey"/>, and unsigned ones, which the
/// tests use to set up and look.
/// </summary>
internal sealed class S3Server : IAsyncDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly ChildProcess _process;
    private readonly string _package;
    private readonly HttpClient _http;

    private S3Server(ChildProcess process, string package, int port)
    {
        _process = process;
        _package = package;
        Endpoint = $"http://127.0.0.1:{port}";
        _http = new HttpClient { BaseAddress = new Uri(Endpoint + "/") };
    }

    /// <summary>The store's URL, as <c>AWS_ENDPOINT_URL_S3</c> or an <c>Endpoint</c> param names it.</summary>
    public string Endpoint { get; }

    /// <summary>What a node needs in its environment to use this store for specs that name no endpoint.</summary>
    public IReadOnlyDictionary<string, string> NodeEnvironment => new Dictionary<string, string>
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_ENDPOINT_URL_S3"] = Endpoint,
    };

    public static async Task<S3Server> StartAsync()
    {
        var package = Directory.CreateTempSubdirectory("s3rver-").FullName;
        try
        {
            await InstallAsync(package);
        }
        catch
        {
            Directory.Delete(package, recursive: true);
            throw;
        }

        var port = LocalCluster.FreePort();
        var process = ChildProcess.Start("node", [Path.Combine(package, "node_modules", "s3rver", "bin", "s3rver.js"), "-d", Path.Combine(package, "data"), "-a", "127.0.0.1", "-p", $"{port}", "--silent"]);
        var server = new S3Server(process, package, port);
        try
        {
            await LocalCluster.WaitUntilAsync(server.AnswersAsync, null, $"s3rver on port {port}");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async Task CreateBucketAsync(string bucket)
    {
        using var response = await _http.PutAsync(bucket, null);
        response.EnsureSuccessStatusCode();
    }

    public async Task PutAsync(string bucket, string key, byte[] content)
    {
        using var body = new ByteArrayContent(content);
        using var response = await _http.PutAsync($"{bucket}/{key}", body);
        response.EnsureSuccessStatusCode();
    }

    public async Task<byte[]> GetAsync(string bucket, string key)
    {
        using var response = await _http.GetAsync($"{bucket}/{key}");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>The keys of the bucket's objects under <paramref name="prefix"/>, in the store's order.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(string bucket, string prefix)
    {
        var listing = XDocument.Parse(await _http.GetStringAsync($"{bucket}?list-type=2&prefix={Uri.EscapeDataString(prefix)}"));
        return [.. listing.Descendants().Where(e => e.Name.LocalName == "Key").Select(e => e.Value)];
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.StopAsync(TimeSpan.FromSeconds(15));
        await _process.DisposeAsync();
        Directory.Delete(_package, recursive: true);
    }

    private async Task<bool> AnswersAsync()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"s3rver exited at start:\n{_process.Output}");
        }

        try
        {
            using var response = await _http.GetAsync("");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>s3rver 3 from the npm registry npm is set up with, into <paramref name="directory"/>.</summary>
    private static async Task InstallAsync(string directory)
    {
        await File.WriteAllTextAsync(Path.Combine(directory, "package.json"), """{"name":"s3-test-server","version":"1.0.0","private":true}""");
        await using var npm = ChildProcess.Start("npm", ["install", "--silent", "--no-audit", "--no-fund", "s3rver@3"], workingDirectory: directory);
        var exitCode = await npm.WaitForExitAsync(InstallTimeout);
        if (exitCode != 0 || !File.Exists(Path.Combine(directory, "node_modules", "s3rver", "bin", "s3rver.js")))
        {
            throw new InvalidOperationException($"npm could not install s3rver@3 (exit code {exitCode}):\n{npm.Output}");
        }
    }
}

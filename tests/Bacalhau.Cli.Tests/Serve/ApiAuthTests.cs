using System.Net;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Bacalhau.Cli.Tests.Infrastructure;
using Bacalhau.Orchestrator.Auth;

namespace Bacalhau.Cli.Tests.Serve;

/// <summary>
/// The REST API of <c>bacalhau serve --orchestrator --host 0.0.0.0</c> as seen from another address (a network
/// namespace of this host's own making) and from this host: credentials, capabilities, the generated admin key, TLS.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ApiAuthTests
{
    private const string ReaderKey = "reader-key-0123456789abcdef";
    private const string NoopJob = """{"Job":{"Type":"batch","Count":1,"Tasks":[{"Name":"main","Engine":{"Type":"noop"}}]}}""";
    private static readonly string ReaderUser = $$"""[{Alias: reader, APIKey: "{{ReaderKey}}", Capabilities: [{Actions: ["read:*"]}]}]""";
    private static readonly string ReaderAndSubmitter = $$"""
        [{Alias: reader, APIKey: "{{ReaderKey}}", Capabilities: [{Actions: ["read:*"]}]},
         {Username: jobs, Password: "{{PasswordHash.Create("pw-of-jobs")}}", Capabilities: [{Actions: ["read:job", "write:job"]}]}]
        """;

    [Fact]
    public async Task From_another_address_requests_need_a_key_holding_the_capability_they_use()
    {
        await using var cluster = new LocalCluster();
        await using var remote = await NetworkNamespace.CreateAsync();
        var (dataDir, apiPort, orchestrator) = await StartOrchestratorAsync(cluster, "--host", "0.0.0.0", "-c", $"API.Auth.Users={ReaderAndSubmitter}");
        var adminKey = ReadAdminKey(dataDir);
        var api = $"http://{remote.HostAddress}:{apiPort}";
        var curl = new Curl(remote, cluster.NewDataDir());

        // Without a key: only health and version answer.
        var anonymous = await curl.SendAsync("GET", $"{api}/api/v1/orchestrator/nodes");
        Assert.Equal((int)HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(401, anonymous.Json.GetProperty("Status").GetInt32());
        Assert.Equal("Unauthorized", anonymous.Json.GetProperty("Code").GetString());
        Assert.Contains("authentication required", anonymous.Json.GetProperty("Message").GetString(), StringComparison.Ordinal);
        Assert.Equal(401, (await curl.SendAsync("GET", $"{api}/api/v1/agent/config")).Status);
        Assert.Equal(401, (await curl.SendAsync("PUT", $"{api}/api/v1/orchestrator/jobs", body: NoopJob)).Status);
        Assert.Equal(200, (await curl.SendAsync("GET", $"{api}/api/v1/agent/alive")).Status);
        Assert.Equal(200, (await curl.SendAsync("GET", $"{api}/api/v1/agent/version")).Status);
        Assert.NotEqual(401, (await curl.SendAsync("GET", $"{api}/health")).Status);
        Assert.Equal(401, (await curl.SendAsync("GET", $"{api}/api/v1/orchestrator/nodes", key: "not-a-key-of-this-orchestrator")).Status);

        // A read-only key reads, and is refused every write.
        Assert.Equal(200, (await curl.SendAsync("GET", $"{api}/api/v1/orchestrator/nodes", ReaderKey)).Status);
        var submit = await curl.SendAsync("PUT", $"{api}/api/v1/orchestrator/jobs", ReaderKey, NoopJob);
        Assert.Equal(403, submit.Status);
        Assert.Contains("write:job", submit.Json.GetProperty("Message").GetString(), StringComparison.Ordinal);
        Assert.Equal(403, (await curl.SendAsync("PUT", $"{api}/api/v1/orchestrator/nodes/some-node", ReaderKey, """{"Action":"approve"}""")).Status);
        Assert.Equal(403, (await curl.SendAsync("POST", $"{api}/api/v1/run", ReaderKey, """{"Engine":"Noop","Verifier":"Noop"}""")).Status);
        var config = await curl.SendAsync("GET", $"{api}/api/v1/agent/config", ReaderKey);
        Assert.Equal(200, config.Status);
        Assert.DoesNotContain(ReaderKey, config.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(adminKey, config.Body, StringComparison.Ordinal);

        // A username and password (HTTP Basic) hold their user's capabilities.
        var jobs = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("jobs:pw-of-jobs"));
        Assert.Equal(200, (await curl.SendAsync("PUT", $"{api}/api/v1/orchestrator/jobs", body: NoopJob, authorization: jobs)).Status);
        Assert.Equal(403, (await curl.SendAsync("GET", $"{api}/api/v1/orchestrator/nodes", authorization: jobs)).Status);
        var wrongPassword = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("jobs:pw-of-job"));
        Assert.Equal(401, (await curl.SendAsync("GET", $"{api}/api/v1/orchestrator/jobs", authorization: wrongPassword)).Status);

        // The generated admin key may do anything.
        var submitted = await curl.SendAsync("PUT", $"{api}/api/v1/orchestrator/jobs", adminKey, NoopJob);
        Assert.Equal(200, submitted.Status);
        var jobId = submitted.Json.GetProperty("JobID").GetString()!;
        Assert.Equal(200, (await curl.SendAsync("GET", $"{api}/api/v1/orchestrator/jobs/{jobId}", adminKey)).Status);
        var approve = await curl.SendAsync("PUT", $"{api}/api/v1/orchestrator/nodes/some-node", adminKey, """{"Action":"approve"}""");
        Assert.DoesNotContain(approve.Status, (int[])[401, 403]);

        // The key itself is never printed: the orchestrator names the file it is in.
        Assert.DoesNotContain(adminKey, orchestrator.Stdout + orchestrator.Stderr, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(dataDir, "orchestrator", "admin-api-key"), orchestrator.Stdout + orchestrator.Stderr, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dataDir, "orchestrator", "admin-api-key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dataDir, "config.yaml")));
    }

    [Fact]
    public async Task From_another_address_the_CLI_works_with_the_key_from_its_environment_or_its_config()
    {
        await using var cluster = new LocalCluster();
        await using var remote = await NetworkNamespace.CreateAsync();
        var (dataDir, apiPort, _) = await StartOrchestratorAsync(cluster, "--host", "0.0.0.0", "-c", $"API.Auth.Users={ReaderUser}");
        var adminKey = ReadAdminKey(dataDir);
        string[] target = ["--api-host", remote.HostAddress, "--api-port", $"{apiPort}"];
        var cliDir = cluster.NewDataDir();
        var spec = Path.Combine(cliDir, "job.json");
        await File.WriteAllTextAsync(spec, """{"Type":"batch","Count":1,"Tasks":[{"Name":"main","Engine":{"Type":"noop"}}]}""");

        var anonymous = await CliProcess.RunAsync(cliDir, remote.Name, Env(), ["node", "list", .. target]);
        Assert.True(anonymous.ExitCode != 0, anonymous.ToString());
        Assert.Contains("authentication required", anonymous.Stderr, StringComparison.Ordinal);

        var fromEnvironment = await CliProcess.RunAsync(cliDir, remote.Name, Env(("BACALHAU_API_KEY", adminKey)), ["job", "run", spec, "--wait=false", "--id-only", .. target]);
        Assert.True(fromEnvironment.ExitCode == 0, fromEnvironment.ToString());
        Assert.StartsWith("j-", fromEnvironment.Stdout.Trim(), StringComparison.Ordinal);

        var readerSubmits = await CliProcess.RunAsync(cliDir, remote.Name, Env(("BACALHAU_API_KEY", ReaderKey)), ["job", "run", spec, "--wait=false", "--id-only", .. target]);
        Assert.True(readerSubmits.ExitCode != 0, readerSubmits.ToString());
        Assert.Contains("write:job", readerSubmits.Stderr, StringComparison.Ordinal);

        var set = await CliProcess.RunAsync(cliDir, "config", "set", $"API.Auth.APIKey={adminKey}");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(cliDir, "config.yaml")));
        var fromConfig = await CliProcess.RunAsync(cliDir, remote.Name, Env(), ["node", "list", "--output", "json", .. target]);
        Assert.True(fromConfig.ExitCode == 0, fromConfig.ToString());
        var list = await CliProcess.RunAsync(cliDir, "config", "list");
        Assert.DoesNotContain(adminKey, list.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_loopback_closed_the_local_CLI_finds_the_generated_admin_key_and_a_bare_request_is_refused()
    {
        await using var cluster = new LocalCluster();
        var (dataDir, apiPort, _) = await StartOrchestratorAsync(cluster, "--host", "127.0.0.1", "--API.Auth.AllowAnonymousLoopback=false");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var bare = await http.GetAsync(new Uri($"http://127.0.0.1:{apiPort}/api/v1/orchestrator/jobs"));
        Assert.Equal(HttpStatusCode.Unauthorized, bare.StatusCode);

        // The same user's CLI with the orchestrator's data dir reads the key the orchestrator saved there.
        var local = await CliProcess.RunAsync(dataDir, "job", "list", "--api-port", $"{apiPort}");
        Assert.True(local.ExitCode == 0, local.ToString());
        var elsewhere = await CliProcess.RunAsync(cluster.NewDataDir(), "job", "list", "--api-port", $"{apiPort}");
        Assert.True(elsewhere.ExitCode != 0, elsewhere.ToString());
        Assert.Contains("authentication required", elsewhere.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_TLS_the_CLI_trusts_the_CA_it_is_given_and_refuses_an_unknown_certificate()
    {
        await using var cluster = new LocalCluster();
        var certDir = cluster.NewDataDir();
        var (caFile, certFile, keyFile) = WriteCertificates(certDir);
        var (dataDir, apiPort, _) = await StartOrchestratorAsync(
            cluster, ["--host", "127.0.0.1", $"--API.TLS.CertFile={certFile}", $"--API.TLS.KeyFile={keyFile}"], ["--api-tls", "--cacert", caFile]);

        var version = await CliProcess.RunAsync(dataDir, "node", "list", "--api-port", $"{apiPort}", "--api-tls", "--cacert", caFile);
        Assert.True(version.ExitCode == 0, version.ToString());

        var untrusted = await CliProcess.RunAsync(dataDir, "node", "list", "--api-port", $"{apiPort}", "--api-tls");
        Assert.True(untrusted.ExitCode != 0, untrusted.ToString());
        var plain = await CliProcess.RunAsync(dataDir, "node", "list", "--api-port", $"{apiPort}");
        Assert.True(plain.ExitCode != 0, plain.ToString());
    }

    private static Task<(string DataDir, int ApiPort, CliProcess Process)> StartOrchestratorAsync(LocalCluster cluster, params string[] serveArgs) =>
        StartOrchestratorAsync(cluster, serveArgs, []);

    /// <summary>An orchestrator with <paramref name="serveArgs"/>; returns once `agent alive` (with <paramref name="clientArgs"/>) answers on loopback.</summary>
    private static async Task<(string DataDir, int ApiPort, CliProcess Process)> StartOrchestratorAsync(LocalCluster cluster, string[] serveArgs, string[] clientArgs)
    {
        var dataDir = cluster.NewDataDir();
        var apiPort = LocalCluster.FreePort();
        var process = cluster.Serve(dataDir, ["--orchestrator", "--api-port", $"{apiPort}", "--port", $"{LocalCluster.FreePort()}", "--Orchestrator.Host=127.0.0.1", .. serveArgs]);
        await LocalCluster.WaitUntilAsync(
            async () => (await CliProcess.RunAsync(dataDir, ["agent", "alive", "--api-port", $"{apiPort}", .. clientArgs])).ExitCode == 0,
            process,
            "the orchestrator to answer");
        return (dataDir, apiPort, process);
    }

    private static string ReadAdminKey(string dataDir) => File.ReadAllText(Path.Combine(dataDir, "orchestrator", "admin-api-key")).Trim();

    private static Dictionary<string, string> Env(params (string Name, string Value)[] variables) =>
        variables.ToDictionary(v => v.Name, v => v.Value);

    /// <summary>A CA and a certificate for 127.0.0.1 signed by it, as PEM files: (CA, certificate, key).</summary>
    private static (string Ca, string Cert, string Key) WriteCertificates(string dir)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=bacalhau test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=127.0.0.1", leafKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        leafRequest.CertificateExtensions.Add(names.Build());
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var leaf = leafRequest.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(8));

        var paths = (Path.Combine(dir, "ca.pem"), Path.Combine(dir, "api.pem"), Path.Combine(dir, "api-key.pem"));
        File.WriteAllText(paths.Item1, ca.ExportCertificatePem());
        File.WriteAllText(paths.Item2, leaf.ExportCertificatePem());
        File.WriteAllText(paths.Item3, leafKey.ExportPkcs8PrivateKeyPem());
        return paths;
    }

    /// <summary>curl inside a network namespace; the key goes in a header file, not on curl's command line.</summary>
    private sealed class Curl(NetworkNamespace network, string scratchDir)
    {
        public async Task<(int Status, string Body, JsonElement Json)> SendAsync(string method, string url, string? key = null, string? body = null, string? authorization = null)
        {
            var headers = Path.Combine(scratchDir, "headers");
            authorization ??= key is null ? null : $"Bearer {key}";
            await File.WriteAllTextAsync(headers, (authorization is null ? "" : $"Authorization: {authorization}\n") + "Content-Type: application/json\n");
            string[] command = ["curl", "-sS", "--max-time", "30", "-X", method, "-H", $"@{headers}", "-w", "\n%{http_code}", .. body is null ? [] : (string[])["--data-binary", body], url];
            var result = await network.ExecAsync(command);
            Assert.True(result.ExitCode == 0, result.ToString());
            var newline = result.Stdout.LastIndexOf('\n');
            var text = result.Stdout[..newline];
            var json = text.StartsWith('{') ? JsonDocument.Parse(text).RootElement.Clone() : default;
            return (int.Parse(result.Stdout[(newline + 1)..].Trim(), System.Globalization.CultureInfo.InvariantCulture), text, json);
        }
    }
}

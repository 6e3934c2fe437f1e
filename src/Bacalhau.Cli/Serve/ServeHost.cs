using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Bacalhau.Cli.Configuration;
using Bacalhau.Compute;
using Bacalhau.Compute.Nodes;
using Bacalhau.Identity;
using Bacalhau.NatsHosting.Server;
using Bacalhau.Orchestrator;
using Bacalhau.Orchestrator.Api;
using Bacalhau.Orchestrator.Auth;
using Microsoft.Extensions.Options;

namespace Bacalhau.Cli.Serve;

internal sealed record NodeRoles(bool Orchestrator, bool Compute);

/// <summary>
/// Hosts an orchestrator and/or a compute node in this process, composed from the same extensions the services'
/// own Program.cs use, with all configuration in one <see cref="IConfiguration"/>.
/// </summary>
internal static class ServeHost
{

    public static async Task<int> RunAsync(CliSettings settings, NodeRoles roles, TextWriter console, CancellationToken cancellationToken)
    {
        // An orchestrator that lost the lead of its cluster stops its host, whose memory may hold changes the cluster
        // never committed, and starts a new one, which rejoins as a follower from what its database holds.
        int exitCode;
        do
        {
            Environment.ExitCode = 0;
            exitCode = await RunHostAsync(settings, roles, console, cancellationToken);
        }
        while (Environment.ExitCode == OrchestratorExitCodes.LostLeadership && !cancellationToken.IsCancellationRequested);

        return exitCode;
    }

    private static async Task<int> RunHostAsync(CliSettings settings, NodeRoles roles, TextWriter console, CancellationToken cancellationToken)
    {
        EmbeddedNatsOptions? nats = null;
        if (roles.Orchestrator)
        {
            var executable = NatsServerBinary.Find() ?? throw new CliException(NatsServerBinary.MissingMessage);
            // The key the orchestrator itself loads: its NATS server certificate is bound to this peer ID.
            using var tlsNodeKey = settings.Get(ConfigKeys.OrchestratorTlsEnabled) == "true" ? NodeKey.LoadOrCreate(settings.DataDir, LocalIdentity.KeyPort(settings)) : null;
            nats = new EmbeddedNatsOptions(executable, NatsServerConfig.Write(
                Path.Combine(settings.DataDir, "orchestrator", "nats-auth"),
                EnsureToken(settings, console),
                settings.Get(ConfigKeys.OrchestratorHost)!,
                int.Parse(settings.Get(ConfigKeys.OrchestratorPort)!, CultureInfo.InvariantCulture),
                Path.Combine(settings.DataDir, "orchestrator", "nats-store"),
                tlsNodeKey,
                ClusterOf(settings)));
        }

        if (roles.Compute && settings.Get(ConfigKeys.ComputeTlsCaCert) is { } caCert && !File.Exists(caCert))
        {
            throw new CliException($"Compute.TLS.CACert: the CA file '{caCert}' does not exist");
        }

        var apiHost = settings.Get(ConfigKeys.ApiHost)!;
        // A compute node beside an orchestrator on one machine (as the docs show) must not fight over 1234:
        // unless a port is asked for, a compute-only node takes any free one.
        var apiPort = roles.Orchestrator || settings.IsSet(ConfigKeys.ApiPort) ? settings.Get(ConfigKeys.ApiPort)! : "0";
        // Before the port check: a nats-server that a killed serve left running holds the port.
        using var claim = nats is null ? null : await EmbeddedNatsClaim.TakeAsync(nats, console, cancellationToken);
        PortCheck.EnsureFree(apiHost, int.Parse(apiPort, CultureInfo.InvariantCulture), "--api-port");
        if (nats is not null)
        {
            PortCheck.EnsureFree(nats.Server.Host, nats.Server.Port, "--port");
            if (nats.Server.Cluster is { } cluster)
            {
                PortCheck.EnsureFree(cluster.Host, cluster.Port, "--cluster-port");
            }
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = "bacalhau",
            // Not the working directory: an appsettings.json lying there must not reconfigure the node.
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(ServeLogging.Levels(settings.Get(ConfigKeys.LoggingLevel)!));
        settings.AddTo(builder.Configuration);
        ServeLogging.SetMode(builder.Logging, settings.Get(ConfigKeys.LoggingMode)!);
        if (nats is not null)
        {
            builder.Configuration.AddInMemoryCollection(
            [
                KeyValuePair.Create("ConnectionStrings:nats", (string?)nats.Server.ClientUrl),
                KeyValuePair.Create("Orchestrator:Auth:NatsAccountSeedFile", (string?)nats.Server.AccountSeedFile),
                // This process trusts its own CA; so does a compute node in it, which shares the connection.
                KeyValuePair.Create("Nats:CaFile", nats.Server.Tls?.CaFile),
            ]);
        }

        var certificate = LoadApiCertificate(settings);
        var scheme = certificate is null ? "http" : "https";
        builder.WebHost.UseUrls($"{scheme}://{(apiHost.Contains(':', StringComparison.Ordinal) ? $"[{apiHost.Trim('[', ']')}]" : apiHost)}:{apiPort}");
        if (certificate is not null)
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate));
        }

        builder.AddServiceDefaults();
        if (nats is not null)
        {
            // Registered before the orchestrator's services so that the server accepts clients before they connect.
            builder.Services.AddSingleton(nats);
            builder.Services.AddHostedService<EmbeddedNatsServer>();
            builder.AddOrchestrator();
        }

        if (roles.Compute)
        {
            builder.AddCompute();
        }

        await using var app = builder.Build();
        // Bad settings (API.Auth.Users, ...) and a node identity that cannot be read (its key file, metadata) are one
        // line from the CLI, before the host would log them with a stack trace.
        app.Services.GetService<IStartupValidator>()?.Validate();
        var orchestratorIdentity = app.Services.GetService<OrchestratorIdentity>();
        var computeIdentity = app.Services.GetService<ComputeIdentity>();
        app.MapDefaultEndpoints();
        if (roles.Orchestrator)
        {
            app.UseApiErrors();
            app.UseApiAuth();
            app.MapOrchestratorApi();
        }

        if (roles.Compute)
        {
            app.MapComputeEndpoints();
        }

        await app.StartAsync(cancellationToken);
        await console.WriteLineAsync(Describe(roles, string.Join(", ", app.Urls), (orchestratorIdentity?.Key ?? computeIdentity!.Key).PeerId, nats?.Server));
        await app.WaitForShutdownAsync(CancellationToken.None);
        return 0;
    }

    /// <summary>The REST API's certificate when <c>API.TLS.CertFile</c> and <c>API.TLS.KeyFile</c> are set (PEM); null for plain http.</summary>
    private static X509Certificate2? LoadApiCertificate(CliSettings settings)
    {
        var (certFile, keyFile) = (settings.Get(ConfigKeys.ApiTlsCertFile), settings.Get(ConfigKeys.ApiTlsKeyFile));
        if (certFile is null && keyFile is null)
        {
            return null;
        }

        if (certFile is null || keyFile is null)
        {
            throw new CliException("API.TLS.CertFile and API.TLS.KeyFile go together: set both for https, or neither");
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(certFile, keyFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new CliException($"cannot load the API certificate from API.TLS.CertFile '{certFile}' and API.TLS.KeyFile '{keyFile}': {ex.Message}");
        }
    }

    /// <summary>
    /// The NATS cluster the embedded server joins when <c>Orchestrator.Cluster.Peers</c> names the other orchestrators'
    /// servers; it is named in the cluster by this node's ID.
    /// </summary>
    private static NatsServerCluster? ClusterOf(CliSettings settings)
    {
        if (settings.Resolve(ConfigKeys.OrchestratorClusterPeers).Value is not { Items.Count: > 0 } peers)
        {
            return null;
        }

        return new NatsServerCluster(
            LocalIdentity.Describe(settings).ID,
            settings.Get(ConfigKeys.OrchestratorClusterName)!,
            settings.Get(ConfigKeys.OrchestratorClusterHost)!,
            int.Parse(settings.Get(ConfigKeys.OrchestratorClusterPort)!, CultureInfo.InvariantCulture),
            settings.Get(ConfigKeys.OrchestratorClusterAdvertise),
            peers.Items);
    }

    /// <summary>The orchestrator's NATS token: configured, or generated once and kept in the config file.</summary>
    private static string EnsureToken(CliSettings settings, TextWriter console)
    {
        if (settings.Get(ConfigKeys.OrchestratorAuthToken) is { Length: > 0 } token)
        {
            return token;
        }

        var value = ConfigValue.Parse(ConfigKeys.OrchestratorAuthToken, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        var file = ConfigFile.Load(settings.ConfigFilePath);
        file.Set(value);
        file.Save();
        settings.Override(value);
        console.WriteLine($"Generated Orchestrator.Auth.Token and saved it in {settings.ConfigFilePath}");
        return value.Text;
    }

    private static string Describe(NodeRoles roles, string apiUrl, PeerId peer, NatsServerConfig? nats)
    {
        var role = roles is { Orchestrator: true, Compute: true } ? "Hybrid node (orchestrator and compute)" : roles.Orchestrator ? "Orchestrator" : "Compute node";
        var text = $"{role} started; REST API on {apiUrl}; peer ID {peer}";
        if (nats is null)
        {
            return text;
        }

        var host = nats.Host is "0.0.0.0" or "::" or "[::]" ? Environment.MachineName : nats.Host;
        var port = nats.Port.ToString(CultureInfo.InvariantCulture);
        var tls = nats.Tls is null ? "" : $" --Compute.TLS.CACert=<a copy of {nats.Tls.CaFile}>";
        // The peer ID pins the server's certificate: no CA file to copy.
        var pinnedTls = nats.Tls is null ? "" : " --Compute.TLS.Enabled=true";
        return text + $"\nCompute nodes join it with (the token is `bacalhau config get Orchestrator.Auth.Token` here):" +
            $"\n  bacalhau serve --compute --Compute.Orchestrators=<token>@{host}:{port}{tls}" +
            $"\nor, checking that it is this node:" +
            $"\n  bacalhau serve --compute --Compute.Auth.Token=<token> --peer {Multiaddr.For(host, nats.Port, peer)}{pinnedTls}";
    }
}

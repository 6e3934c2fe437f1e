using System.Globalization;
using Bacalhau.Bench.Infrastructure;
using Bacalhau.Bench.Measurement;
using Bacalhau.IntegrationTests.Infrastructure;

namespace Bacalhau.Bench.Scenarios;

/// <summary>
/// Scenario 4: <c>bacalhau docker run</c> of <c>true</c>, waiting for completion, against <c>docker run --rm
/// --network none</c> of the same image on the same private daemon (built from scratch around a static busybox):
/// median wall time of each, the commands run one after the other. The CLI is the published native executable, as
/// users get it.
/// </summary>
internal sealed class DockerScenario : IScenario
{
    private const string Name = "4 docker job";
    private const string Figure = "bacalhau docker run true, median";
    private static readonly string Image = DockerDaemon.ImageNames[0];

    public int Number => 4;

    public string Title => "Docker job overhead";

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        DockerDaemon daemon;
        try
        {
            daemon = await DockerDaemon.StartAsync();
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            return [Measurement.Figure.Skip(Name, Figure, $"no private dockerd: {ex.Message.Split('\n')[0]}")];
        }

        await using (daemon)
        {
            var runs = settings.Count(20, 5);
            BenchSettings.Progress($"scenario 4: docker run --rm --network none {Image} true, {runs} times");
            var dockerEnvironment = new Dictionary<string, string> { ["DOCKER_HOST"] = daemon.Host };
            var plain = await CommandTimer.TimeAsync("docker", ["run", "--rm", "--network", "none", Image, "true"], dockerEnvironment, runs, cancellationToken);
            if (plain is null)
            {
                return [Measurement.Figure.Skip(Name, Figure, "the docker CLI is not installed")];
            }

            await using var nats = await NatsServer.StartAsync(cancellationToken);
            await using var cluster = await BacalhauCluster.StartAsync(nats, 1, cancellationToken, new Dictionary<string, string> { ["Compute__Docker__Host"] = daemon.Host });
            var cliDir = Directory.CreateTempSubdirectory("bacalhau-bench-cli-").FullName;
            try
            {
                var cliEnvironment = new Dictionary<string, string> { ["BACALHAU_DIR"] = cliDir };
                string[] api = ["--api-host", cluster.ApiBase.Host, "--api-port", cluster.ApiBase.Port.ToString(CultureInfo.InvariantCulture)];
                BenchSettings.Progress($"scenario 4: bacalhau docker run {Image} -- true, {runs} times");
                var bacalhau = await CommandTimer.TimeAsync(RepositoryPaths.PublishedCli, [.. api, "docker", "run", Image, "--", "true"], cliEnvironment, runs, cancellationToken);
                var cliStart = await CommandTimer.TimeAsync(RepositoryPaths.PublishedCli, [.. api, "version"], cliEnvironment, runs / 2, cancellationToken);
                if (bacalhau is null || cliStart is null)
                {
                    return [Measurement.Figure.Skip(Name, Figure, "no published CLI: dotnet publish src/Bacalhau.Cli -c Release (scripts/bench.sh does)")];
                }

                return
                [
                    new() { Scenario = Name, Name = Figure, Value = bacalhau.P50, Unit = "ms", Baseline = plain.P50, BaselineName = "docker run --rm --network none", Target = Target.RatioAtMost(1.2) },
                    new() { Scenario = Name, Name = "bacalhau version (CLI start + 1 API call), median", Value = cliStart.P50, Unit = "ms", Baseline = plain.P50, BaselineName = "docker run --rm --network none" },
                ];
            }
            finally
            {
                Directory.Delete(cliDir, recursive: true);
            }
        }
    }
}

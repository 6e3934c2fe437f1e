using System.Globalization;
using Bacalhau.Cli.Commands;
using Bacalhau.Cli.Configuration;
using Bacalhau.Cli.Tests.Infrastructure;
using CsCheck;
using Xunit.Abstractions;

namespace Bacalhau.Cli.Tests.BadInput;

/// <summary>
/// Generated <c>config set</c> keys and values and <c>docker run</c> flags: success, or one line on stderr starting
/// with "Error:" and a non-zero exit, never a stack trace or an unexpected exception. Parsing runs in-process for the
/// bulk of the cases; a smaller sample runs the built <c>bacalhau</c> as real processes.
/// </summary>
public sealed class CliBadInputTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("bacalhau-cli-fuzz-").FullName;

    // Nothing listens here: a submission that passes parsing fails with "cannot reach the orchestrator".
    private readonly string _closedPort = LocalCluster.FreePort().ToString(CultureInfo.InvariantCulture);

    private static Gen<string> Word => JsonText.Text.Where(text => !text.Contains('\0', StringComparison.Ordinal));

    private static Gen<string> Key => Gen.Frequency(
        (3, Gen.OneOf([.. ConfigKeys.All.Select(key => key.Name)])),
        (1, Gen.Select(Gen.OneOf([.. ConfigKeys.All.Select(key => key.Name)]), Word, (key, suffix) => key + "." + suffix)),
        (1, Word));

    private static Gen<string> Value => Gen.Frequency(
        (2, Word),
        (1, JsonText.Number),
        (1, Gen.OneOf("true", "false", "15s", "1h30m", "00:00:15", "9999999999999h", "99999999999999999999999ns", "-1", "0", "65536", "a=b,c=d", "=", "a,b,,c", "nats://x:1", "~/x")));

    /// <summary><c>config set</c> with a key and value as two words or as one Key=value.</summary>
    private static Gen<string[]> ConfigSet => Gen.Select(Key, Value, Gen.Bool, (key, value, joined) =>
        joined ? new[] { "config", "set", $"{key}={value}" } : ["config", "set", key, value]);

    private static Gen<string[]> Flag => Gen.OneOf<string[]>(
        Gen.Select(Gen.OneOf("--env", "-e", "--cpu", "--memory", "--disk", "--gpu", "--timeout", "--publisher", "-p", "-o", "--output-volumes",
            "--constraints", "--labels", "-l", "--name", "--count", "--entrypoint", "--workdir", "-w", "--wait-timeout-secs", "--bogus"), Value, (flag, value) => new[] { flag, value }),
        Gen.Select(Gen.OneOf("--env", "--constraints", "--labels", "-o", "--count", "--timeout", "--wait"), Value, (flag, value) => new[] { $"{flag}={value}" }),
        Gen.OneOf("--wait=false", "--id-only", "--dry-run", "--follow", "--", "-").Select(flag => new[] { flag }));

    /// <summary><c>docker run</c> with generated flags, an image and a command.</summary>
    private static Gen<string[]> DockerRun => Gen.Select(Flag.Array[0, 6], Word, Word.Array[0, 3], Gen.Bool, (flags, image, command, dashes) =>
        (string[])["docker", "run", .. flags.SelectMany(f => f), image, .. dashes ? ["--"] : Array.Empty<string>(), .. command]);

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task Generated_config_values_and_docker_run_flags_parsed_in_process_fail_in_one_line()
    {
        var exits = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, gen) in new[] { ("config set", ConfigSet), ("docker run", DockerRun) })
        {
            // One at a time: the cases share a data directory and its config file.
            await gen.SampleAsync(
                async args =>
                {
                    var stdout = new StringWriter();
                    var stderr = new StringWriter();
                    var exitCode = await BacalhauCli.RunAsync([.. args, "--data-dir", _dataDir, "--api-port", _closedPort], stdout, stderr);
                    AssertOneLineOrSuccess(args, exitCode, stderr.ToString());
                    lock (exits)
                    {
                        var key = $"{name}: exit {exitCode}";
                        exits[key] = exits.GetValueOrDefault(key) + 1;
                    }
                },
                iter: BadInputRun.Count,
                threads: 1);
        }

        var report = $"CLI in-process, {BadInputRun.Count} generated cases per command: " + string.Join(", ", exits.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} ×{p.Value}"));
        output.WriteLine(report);
        BadInputRun.Report(report);
    }

    [Fact]
    public async Task A_sample_of_them_as_real_processes_fails_in_one_line()
    {
        var cases = Math.Max(5, BadInputRun.Count / 100);
        await Gen.OneOf(ConfigSet, DockerRun).SampleAsync(
            async args =>
            {
                var result = await CliProcess.RunAsync(_dataDir, [.. args, "--api-port", _closedPort]);
                AssertOneLineOrSuccess(args, result.ExitCode, result.Stderr);
            },
            iter: cases,
            threads: 2);
        var report = $"CLI processes: {cases} generated cases";
        output.WriteLine(report);
        BadInputRun.Report(report);
    }

    private static void AssertOneLineOrSuccess(string[] args, int exitCode, string stderr)
    {
        var shown = string.Join(' ', args.Select(a => a.Length > 80 ? a[..80] + "..." : a));
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain(lines, line => line.StartsWith("   at ", StringComparison.Ordinal));
        if (exitCode == 0)
        {
            return;
        }

        Assert.True(lines.Length == 1, $"bacalhau {shown}: exit {exitCode} with {lines.Length} lines on stderr:\n{stderr}");
        Assert.StartsWith("Error: ", lines[0], StringComparison.Ordinal);
        Assert.False(lines[0].StartsWith("Error: unexpected ", StringComparison.Ordinal), $"bacalhau {shown}: {lines[0]}");
    }
}

using System.CommandLine;
using Bacalhau.Cli.Commands;
using Bacalhau.Cli.Completion;
using Bacalhau.Cli.Tests.Infrastructure;

namespace Bacalhau.Cli.Tests.Completion;

/// <summary><c>bacalhau completion</c>: scripts generated from the command tree, parsed and run by the real shells.</summary>
public sealed class CompletionScriptTests : IDisposable
{
    private static readonly string[] OptionalShells = ["zsh", "fish"];
    private static readonly RootCommand Root = BacalhauCli.CreateRootCommand(new GlobalOptions());
    private readonly string _dataDir = Directory.CreateTempSubdirectory("bacalhau-cli-completion-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    public static TheoryData<string> InstalledShells()
    {
        // bash always; zsh and fish where installed.
        var shells = new TheoryData<string> { "bash" };
        foreach (var shell in OptionalShells.Where(ExternalProcess.IsInstalled))
        {
            shells.Add(shell);
        }

        return shells;
    }

    [Fact]
    public void The_tree_holds_every_command_with_its_options()
    {
        var nodes = CompletionTree.From(Root).ToDictionary(n => n.Path);

        Assert.Equal(Root.Subcommands.Select(c => c.Name), nodes[""].Subcommands);
        Assert.Equal(Paths(Root, "").Order(StringComparer.Ordinal), nodes.Keys.Where(p => p.Length > 0).Order(StringComparer.Ordinal));
        Assert.Contains("--wait", nodes["/docker/run"].Options);
        Assert.Contains("-f", nodes["/job/logs"].Options);
        Assert.Contains("--api-host", nodes["/job/logs"].Options);
        Assert.Contains("--version", nodes[""].Options);
        Assert.DoesNotContain("--version", nodes["/job"].Options);
        Assert.Contains("-V", nodes["/job/run"].Options);
        // Long options lower-case, short ones a letter of either case (Bacalhau's -V, -E).
        Assert.All(nodes.Values.SelectMany(n => n.Options), o => Assert.Matches("^(--[a-z0-9][a-z0-9-]*|-[A-Za-z0-9])$", o));
    }

    [Theory]
    [MemberData(nameof(InstalledShells))]
    public async Task The_script_parses_and_names_every_top_level_command(string shell)
    {
        var script = await ScriptAsync(shell);

        var text = await File.ReadAllTextAsync(script);
        foreach (var command in Root.Subcommands)
        {
            Assert.Contains($"/{command.Name}", text, StringComparison.Ordinal);
        }

        var check = await ExternalProcess.RunAsync(shell, "-n", script);
        Assert.True(check.ExitCode == 0, check.ToString());
    }

    [Theory]
    [InlineData("bacalhau jo", "job")]
    [InlineData("bacalhau job r", "run rerun")]
    [InlineData("bacalhau job v", "versions validate")]
    [InlineData("bacalhau job l", "list logs")]
    [InlineData("bacalhau --api-port 1 job lo", "logs")]
    [InlineData("bacalhau docker run --wai", "--wait --wait-timeout-secs")]
    [InlineData("bacalhau job logs --fo", "--follow")]
    [InlineData("bacalhau completion --he", "--help")]
    public async Task Bash_completes_commands_and_options_by_position(string line, string expected)
    {
        var script = await ScriptAsync("bash");
        // The words as bash splits them; an empty last word when the line ends in a space.
        var words = line.Split(' ');
        var probe = $"source '{script}'; COMP_WORDS=({string.Join(' ', words.Select(w => $"'{w}'"))}); COMP_CWORD={words.Length - 1}; _bacalhau; echo \"${{COMPREPLY[*]}}\"";

        var result = await ExternalProcess.RunAsync("bash", "-c", probe);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(expected, result.Stdout.TrimEnd('\n'));
    }

    [Fact]
    public async Task Bash_completes_every_top_level_command_from_nothing()
    {
        var script = await ScriptAsync("bash");

        var result = await ExternalProcess.RunAsync("bash", "-c", $"source '{script}'; COMP_WORDS=(bacalhau ''); COMP_CWORD=1; _bacalhau; echo \"${{COMPREPLY[*]}}\"");

        Assert.Equal(string.Join(' ', Root.Subcommands.Select(c => c.Name)), result.Stdout.TrimEnd('\n'));
    }

    [Fact]
    public async Task An_unknown_shell_is_one_error_line()
    {
        var result = await CliProcess.RunAsync(_dataDir, "completion", "powershell");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal("Error: unknown shell 'powershell': expected bash, zsh or fish\n", result.Stderr.ReplaceLineEndings("\n"));
    }

    /// <summary>The script as <c>bacalhau completion</c> prints it, in a file.</summary>
    private async Task<string> ScriptAsync(string shell)
    {
        var result = await CliProcess.RunAsync(_dataDir, "completion", shell);
        Assert.True(result.ExitCode == 0, result.ToString());
        var file = Path.Combine(_dataDir, $"bacalhau.{shell}");
        await File.WriteAllTextAsync(file, result.Stdout);
        return file;
    }

    private static IEnumerable<string> Paths(Command command, string path) =>
        command.Subcommands.SelectMany(c => Paths(c, $"{path}/{c.Name}").Prepend($"{path}/{c.Name}"));
}

using System.CommandLine;
using Bacalhau.Cli.Results;

namespace Bacalhau.Cli.Jobs;

/// <summary>What the run flags ask for; <see cref="Download"/>, when set, is where the results go once the job is over.</summary>
internal sealed record RunSettings(bool Wait, bool IdOnly, bool DryRun, TimeSpan WaitTimeout, bool Follow = false, DownloadSettings? Download = null, bool Force = false);

/// <summary>
/// How a submission behaves: <c>--wait</c> (default), <c>--follow</c>, <c>--id-only</c>, <c>--dry-run</c>, <c>--force</c>,
/// <c>--wait-timeout-secs</c>, and <c>--download</c> with its <see cref="DownloadOptions"/>. A rerun, which submits no
/// spec, has all but <c>--dry-run</c> and <c>--force</c>.
/// </summary>
internal sealed class JobRunOptions(bool submitsSpec = true)
{
    private readonly Option<bool> _wait = new("--wait") { Description = "Wait for the job to finish and print its output (--wait=false to return at once)", DefaultValueFactory = _ => true };
    private readonly Option<bool> _follow = new("--follow", "-f") { Description = "Print the job's output live as it runs" };
    private readonly Option<bool> _idOnly = new("--id-only") { Description = "Print only the job ID" };
    private readonly Option<bool> _dryRun = new("--dry-run") { Description = "Print what submitting would change in the job of the spec's name (or the job, for a new name), and stop" };
    private readonly Option<bool> _force = new("--force") { Description = "Submit even when the spec is the same as that of the job of its name" };
    private readonly Option<int> _waitTimeout = new("--wait-timeout-secs") { Description = "Give up waiting after this many seconds", DefaultValueFactory = _ => 600 };
    private readonly DownloadOptions _download = new(withSwitch: true);

    public void AddTo(Command command)
    {
        command.Add(_wait);
        command.Add(_follow);
        command.Add(_idOnly);
        if (submitsSpec)
        {
            command.Add(_dryRun);
            command.Add(_force);
        }

        command.Add(_waitTimeout);
        _download.AddTo(command);
    }

    public RunSettings Read(ParseResult parse)
    {
        var timeout = parse.GetValue(_waitTimeout);
        if (timeout <= 0)
        {
            throw new CliException($"invalid --wait-timeout-secs {timeout}: expected a positive number of seconds");
        }

        var download = _download.Read(parse);
        if (download is not null && !parse.GetValue(_wait))
        {
            throw new CliException("--download waits for the job to finish: it cannot go with --wait=false");
        }

        return new RunSettings(parse.GetValue(_wait), parse.GetValue(_idOnly), submitsSpec && parse.GetValue(_dryRun), TimeSpan.FromSeconds(timeout), parse.GetValue(_follow), download, submitsSpec && parse.GetValue(_force));
    }
}

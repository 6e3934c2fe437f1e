using System.CommandLine;
using System.Globalization;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.Cli.Results;

/// <summary>Where and how results are downloaded: into <paramref name="OutputDir"/> (null: <c>job-&lt;id&gt;</c> here), merged unless <paramref name="Raw"/>.</summary>
internal sealed record DownloadSettings(string? OutputDir, bool Raw, TimeSpan Timeout);

/// <summary>
/// Bacalhau's download flags: <c>--output-dir</c>, <c>--raw</c>, <c>--download-timeout-secs</c> (a duration, as
/// Bacalhau's: <c>5m</c>, <c>90s</c>; a bare number is seconds), and on the run commands <c>--download</c>.
/// </summary>
internal sealed class DownloadOptions
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    // A day: beyond it a timeout is a typo, and a bound there is still one.
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);

    private readonly Option<bool>? _download;
    private readonly Option<string?> _outputDir = new("--output-dir") { Description = "Directory to write the results to (default: job-<id> in the current directory)" };
    private readonly Option<bool> _raw = new("--raw") { Description = "Keep each execution's result as fetched under raw/ instead of merging them" };
    private readonly Option<string> _timeout = new("--download-timeout-secs") { Description = "Give up downloading after this long (5m, 90s)", DefaultValueFactory = _ => "5m" };

    /// <param name="withSwitch">Whether downloading is asked for with <c>--download</c> (the run commands) rather than being the command itself.</param>
    public DownloadOptions(bool withSwitch)
    {
        if (withSwitch)
        {
            _download = new Option<bool>("--download") { Description = "Download the results once the job is complete" };
        }
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option?[] { _download, _outputDir, _raw, _timeout })
        {
            if (option is not null)
            {
                command.Add(option);
            }
        }
    }

    /// <summary>The settings asked for; null when the command has <c>--download</c> and it was not given.</summary>
    public DownloadSettings? Read(ParseResult parse)
    {
        if (_download is not null && !parse.GetValue(_download))
        {
            return null;
        }

        var text = parse.GetValue(_timeout) ?? "";
        var timeout = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= MaxTimeout.TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : GoDuration.Parse(text);
        if (timeout is not { } bound || bound <= TimeSpan.Zero || bound > MaxTimeout)
        {
            throw new CliException($"invalid --download-timeout-secs '{text}': expected a duration such as 5m or 90s, at most 24h");
        }

        var outputDir = parse.GetValue(_outputDir);
        if (outputDir is { Length: 0 })
        {
            throw new CliException("invalid --output-dir '': expected a directory");
        }

        return new DownloadSettings(outputDir, parse.GetValue(_raw), bound);
    }
}

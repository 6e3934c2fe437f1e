using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Bacalhau.Cli.Tests.BadInput;

/// <summary>
/// How many generated cases each check runs, and where its figures go. The default run is quick;
/// <c>scripts/bad-input.sh</c> sets <c>BACALHAU_BAD_INPUT_COUNT=10000</c> and prints the report.
/// </summary>
internal static class BadInputRun
{
    private const int DefaultCount = 300;

    public static int Count { get; } = int.TryParse(Environment.GetEnvironmentVariable("BACALHAU_BAD_INPUT_COUNT"), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0 ? count : DefaultCount;

    /// <summary>Whether this is the full suite (more cases than the default run), whose figures are judged whole.</summary>
    public static bool IsFull => Count > DefaultCount;

    /// <summary>Appends <paramref name="text"/> to the report file, when one is asked for.</summary>
    public static void Report(string text)
    {
        if (Environment.GetEnvironmentVariable("BACALHAU_BAD_INPUT_REPORT") is { Length: > 0 } path)
        {
            File.AppendAllText(path, text + Environment.NewLine);
        }
    }
}

/// <summary>Answers per endpoint, by status code, and the slowest one.</summary>
internal sealed class StatusFigures
{
    /// <summary>The status counted for a request whose connection the server closed before the client read an answer.</summary>
    public const int ConnectionClosed = 0;

    private readonly ConcurrentDictionary<(string Endpoint, int Status), int> _counts = new();
    private readonly ConcurrentDictionary<string, double> _slowest = new();
    private readonly ConcurrentDictionary<string, bool> _accepted = new(StringComparer.Ordinal);

    /// <summary>IDs of the jobs the generated submissions got accepted, each once: a spec named like an earlier one updates that job.</summary>
    public IReadOnlyCollection<string> AcceptedJobs => [.. _accepted.Keys];

    public void Accepted(string jobId) => _accepted.TryAdd(jobId, true);

    public void Add(string endpoint, int status, TimeSpan elapsed)
    {
        _counts.AddOrUpdate((endpoint, status), 1, (_, n) => n + 1);
        _slowest.AddOrUpdate(endpoint, elapsed.TotalMilliseconds, (_, ms) => Math.Max(ms, elapsed.TotalMilliseconds));
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var endpoint in _counts.Keys.Select(k => k.Endpoint).Distinct().Order(StringComparer.Ordinal))
        {
            var statuses = _counts.Where(p => p.Key.Endpoint == endpoint).OrderBy(p => p.Key.Status).ToList();
            text.AppendLine(CultureInfo.InvariantCulture, $"  {endpoint,-12} {statuses.Sum(p => p.Value),6} requests: {string.Join(", ", statuses.Select(p => $"{(p.Key.Status == ConnectionClosed ? "closed" : p.Key.Status)}×{p.Value}"))}; slowest {_slowest[endpoint]:F0} ms");
        }

        return text.ToString();
    }
}

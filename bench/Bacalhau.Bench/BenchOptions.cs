using System.Globalization;

namespace Bacalhau.Bench;

/// <summary>Command line: which scenarios to run, quick mode, where the JSON goes.</summary>
internal sealed record BenchOptions(IReadOnlyList<int> Scenarios, bool Quick, string ResultsDirectory, bool Help)
{
    /// <summary>The options, or null after printing a one-line error.</summary>
    public static BenchOptions? Parse(string[] args, IEnumerable<int> known)
    {
        var available = known.ToList();
        var scenarios = available;
        var quick = false;
        var help = false;
        var results = Path.Combine(IntegrationTests.Infrastructure.RepositoryPaths.Root, "bench", "results");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick" or "-q":
                    quick = true;
                    break;
                case "--help" or "-h":
                    help = true;
                    break;
                case "--scenarios" or "-s" when i + 1 < args.Length:
                    var picked = new List<int>();
                    foreach (var part in args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || !available.Contains(number))
                        {
                            return Fail($"--scenarios: '{part}' is not a scenario (choose from {string.Join(',', available)})");
                        }

                        picked.Add(number);
                    }

                    scenarios = [.. picked.Distinct().Order()];
                    break;
                case "--results" when i + 1 < args.Length:
                    results = Path.GetFullPath(args[++i]);
                    break;
                default:
                    return Fail($"unknown or incomplete option '{args[i]}' (see --help)");
            }
        }

        return new BenchOptions(scenarios, quick, results, help);
    }

    public static string Usage(IEnumerable<string> scenarios) =>
        "usage: scripts/bench.sh [--scenarios 1,2,...] [--quick] [--results DIR]\n\n"
        + "  -s, --scenarios  scenarios to run (default: all)\n"
        + "  -q, --quick      short windows, for a smoke run (figures are rougher)\n"
        + "      --results    directory of the JSON results (default: bench/results)\n\nScenarios:\n"
        + string.Join('\n', scenarios.Select(s => "  " + s));

    private static BenchOptions? Fail(string message)
    {
        Console.Error.WriteLine($"bench: {message}");
        return null;
    }
}

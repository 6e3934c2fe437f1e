using Bacalhau.Bench.Measurement;

namespace Bacalhau.Bench.Scenarios;

/// <summary>One benchmark scenario: it runs its own baseline in the same run and returns every figure.</summary>
internal interface IScenario
{
    int Number { get; }

    string Title { get; }

    Task<IReadOnlyList<Figure>> RunAsync(BenchSettings settings, CancellationToken cancellationToken);
}

/// <summary>How long to measure: <see cref="Quick"/> shortens every window for a smoke run.</summary>
internal sealed record BenchSettings(bool Quick)
{
    public TimeSpan Window(double fullSeconds, double quickSeconds) => TimeSpan.FromSeconds(Quick ? quickSeconds : fullSeconds);

    public int Count(int full, int quick) => Quick ? quick : full;

    /// <summary>Progress on stderr, so stdout holds just the table.</summary>
    public static void Progress(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bacalhau.Bench.Measurement;

/// <summary>One run's figures as JSON, under <c>bench/results/&lt;UTC timestamp&gt;.json</c>.</summary>
internal static class ResultFile
{
    public static async Task<string> WriteAsync(string directory, BenchReport report, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{report.StartedAt:yyyyMMdd-HHmmss}.json");
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, report, BenchJsonContext.Default.BenchReport, cancellationToken);
        return path;
    }
}

internal sealed record BenchReport(
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    bool Quick,
    IReadOnlyList<int> Scenarios,
    int ProcessorCount,
    string OperatingSystem,
    IReadOnlyList<Figure> Figures);

[JsonSourceGenerationOptions(
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(BenchReport))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;

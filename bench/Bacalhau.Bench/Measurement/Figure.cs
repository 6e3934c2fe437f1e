namespace Bacalhau.Bench.Measurement;

/// <summary>One measured figure with the baseline it is compared to, and the target it must meet, if any.</summary>
internal sealed record Figure
{
    public required string Scenario { get; init; }
    public required string Name { get; init; }
    public required string Unit { get; init; }
    public double Value { get; init; } = double.NaN;
    public double? Baseline { get; init; }
    public string? BaselineName { get; init; }

    /// <summary>Unit of the baseline when it differs from the figure's (jobs/s against NATS messages/s).</summary>
    public string? BaselineUnit { get; init; }
    public Target? Target { get; init; }

    /// <summary>Why the figure could not be measured; the figure is then SKIP.</summary>
    public string? Skipped { get; init; }

    /// <summary>Anything a reader needs to interpret the figure (how it was measured, failed jobs).</summary>
    public string? Note { get; init; }

    public double? Ratio => Baseline is > 0 && !double.IsNaN(Value) ? Value / Baseline : null;

    public string Verdict => Skipped is not null ? "SKIP" : Target is null ? "" : Target.IsMet(Value, Ratio) ? "PASS" : "MISS";

    public static Figure Skip(string scenario, string name, string reason) =>
        new() { Scenario = scenario, Name = name, Unit = "", Skipped = reason };
}

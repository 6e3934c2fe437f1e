using System.Globalization;

namespace Bacalhau.Bench.Measurement;

/// <summary>What a figure must show: at most or at least <see cref="Limit"/>, of the value or of its ratio to the baseline.</summary>
internal sealed record Target(double Limit, bool AtLeast, bool OnRatio)
{
    public static Target AtMost(double limit) => new(limit, AtLeast: false, OnRatio: false);

    public static Target NoLessThan(double limit) => new(limit, AtLeast: true, OnRatio: false);

    public static Target RatioAtMost(double limit) => new(limit, AtLeast: false, OnRatio: true);

    public bool IsMet(double value, double? ratio)
    {
        var measured = OnRatio ? ratio ?? double.NaN : value;
        return !double.IsNaN(measured) && (AtLeast ? measured >= Limit : measured <= Limit);
    }

    public string Describe(string unit) =>
        (AtLeast ? "≥ " : "≤ ") + Limit.ToString("0.##", CultureInfo.InvariantCulture) + (OnRatio ? "× baseline" : " " + unit);
}

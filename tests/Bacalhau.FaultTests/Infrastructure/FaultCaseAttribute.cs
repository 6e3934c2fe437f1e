namespace Bacalhau.FaultTests.Infrastructure;

/// <summary>
/// A fault case. Fast cases run in every test run; the others (long, or failing today on a known product bug that is
/// being fixed) only in the full suite, <c>./scripts/faults.sh</c>, which sets <c>BACALHAU_FAULTS=all</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class FaultCaseAttribute : FactAttribute
{
    public const string FullSuiteVariable = "BACALHAU_FAULTS";

    /// <summary>Why the case runs only in the full suite; null for a fast case.</summary>
    public string? FullSuiteOnly
    {
        get;
        init
        {
            field = value;
            if (value is not null && Environment.GetEnvironmentVariable(FullSuiteVariable) != "all")
            {
                Skip = $"full fault suite only (./scripts/faults.sh): {value}";
            }
        }
    }
}

using System.Globalization;
using Microsoft.Extensions.Options;

namespace Bacalhau.ServiceDefaults.Options;

/// <summary>
/// What is wrong with one options section, each problem naming its full configuration key
/// (<c>Compute:Docker:PidsLimit: must be between 1 and 4194304, got -3</c>), so that a node refusing to start says
/// which setting to fix.
/// </summary>
public sealed class OptionsProblems(string sectionName)
{
    private readonly List<string> _problems = [];

    public OptionsProblems Between(string key, long value, long minimum, long maximum) =>
        Check(value >= minimum && value <= maximum, key, string.Create(CultureInfo.InvariantCulture, $"must be between {minimum} and {maximum}, got {value}"));

    /// <summary>A period or timeout: more than zero, and short enough for the timers that wait on it.</summary>
    public OptionsProblems Duration(string key, TimeSpan value, TimeSpan maximum) =>
        Check(value > TimeSpan.Zero && value <= maximum, key, string.Create(CultureInfo.InvariantCulture, $"must be more than 0 and at most {maximum:c}, got {value:c}"));

    public OptionsProblems Check(bool valid, string key, string problem)
    {
        if (!valid)
        {
            _problems.Add($"{sectionName}:{key}: {problem}");
        }

        return this;
    }

    public ValidateOptionsResult Result => _problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_problems);
}

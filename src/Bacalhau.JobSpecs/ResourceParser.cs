using System.Globalization;
using System.Text.RegularExpressions;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.JobSpecs;

/// <summary>
/// Parses requested resources as Bacalhau reads them: CPU in cores or millicores ("2", "0.5", "500m"),
/// Memory and Disk as sizes where k, m, g, t, p, e are powers of 1000 and ki, mi, gi, ... powers of 1024,
/// with an optional trailing b ("1Gb" is 10^9 bytes, "1GiB" and "1Gi" 2^30), GPU as a whole number.
/// Case and blanks are ignored; an empty value is zero, meaning "not requested".
/// </summary>
public static partial class ResourceParser
{
    private const string Prefixes = "kmgtpe";

    /// <summary>Parses every field, collecting one error per bad field, named as in <see cref="ResourcesConfig"/>.</summary>
    public static bool TryParse(ResourcesConfig config, out Resources resources, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(config);
        var problems = new List<string>();
        resources = new Resources
        {
            CPU = Field<double>(config.CPU, nameof(config.CPU), TryParseCpu, "a number of cores such as 1, 0.5 or 500m", problems),
            Memory = Field<long>(config.Memory, nameof(config.Memory), TryParseBytes, "a size such as 512Mi, 1GiB, 1Gb or 1073741824", problems),
            Disk = Field<long>(config.Disk, nameof(config.Disk), TryParseBytes, "a size such as 10Gi, 500Mb or 1073741824", problems),
            GPU = Field<int>(config.GPU, nameof(config.GPU), TryParseGpu, "a whole number of GPUs", problems),
        };
        errors = problems;
        return problems.Count == 0;
    }

    /// <summary>Parses resources of a job that has passed validation.</summary>
    /// <exception cref="FormatException">A field does not parse.</exception>
    public static Resources Parse(ResourcesConfig config) =>
        TryParse(config, out var resources, out var errors) ? resources : throw new FormatException(string.Join("; ", errors));

    public static bool TryParseCpu(string text, out double cores)
    {
        cores = 0;
        var value = Normalize(text);
        if (value.Length == 0)
        {
            return true;
        }

        var millis = value.EndsWith('m');
        if (!TryParseAmount(millis ? value[..^1] : value, out var amount))
        {
            return false;
        }

        cores = (double)(millis ? amount / 1000 : amount);
        return true;
    }

    public static bool TryParseBytes(string text, out long bytes)
    {
        bytes = 0;
        var value = Normalize(text);
        if (value.Length == 0)
        {
            return true;
        }

        var match = ByteSize().Match(value);
        var prefix = match.Groups["prefix"].Value;
        var binary = match.Groups["binary"].Success;
        if (!match.Success || (binary && prefix.Length == 0) || !TryParseAmount(match.Groups["amount"].Value, out var amount))
        {
            return false;
        }

        var multiplier = prefix.Length == 0 ? 1m : Power(binary ? 1024 : 1000, Prefixes.IndexOf(prefix[0], StringComparison.Ordinal) + 1);
        if (amount > long.MaxValue / multiplier)
        {
            return false;
        }

        bytes = (long)(amount * multiplier);
        return true;
    }

    public static bool TryParseGpu(string text, out int count)
    {
        var value = Normalize(text);
        count = 0;
        return value.Length == 0 || int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out count);
    }

    private delegate bool FieldParser<T>(string text, out T value);

    private static T Field<T>(string text, string name, FieldParser<T> parse, string expected, List<string> problems)
    {
        if (!parse(text, out var value))
        {
            problems.Add($"{name}: '{text}' is not {expected}");
        }

        return value;
    }

    private static string Normalize(string text) =>
        string.Concat((text ?? "").Where(c => !char.IsWhiteSpace(c))).ToLowerInvariant();

    private static bool TryParseAmount(string text, out decimal amount) =>
        decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount);

    private static decimal Power(int radix, int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= radix;
        }

        return result;
    }

    [GeneratedRegex(@"^(?<amount>[0-9.]+)(?<prefix>[kmgtpe]?)(?<binary>i)?b?$")]
    private static partial Regex ByteSize();
}

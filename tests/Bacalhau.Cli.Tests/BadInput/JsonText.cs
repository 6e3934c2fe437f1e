using System.Globalization;
using System.Text;
using CsCheck;

namespace Bacalhau.Cli.Tests.BadInput;

/// <summary>Generated JSON text, valid and not: values of every kind, strings of any characters, numbers out of range.</summary>
internal static class JsonText
{
    /// <summary>Short names, any Unicode (control characters and lone surrogates included), sometimes long.</summary>
    public static readonly Gen<string> Text = Gen.Frequency(
        (6, Gen.Char['a', 'z'].Array[0, 12].Select(chars => new string(chars))),
        (3, Gen.String[0, 40]),
        (1, Gen.OneOf("", " ", "..", "../../etc", "/", "\\", "\u0000", "\u202e", "noop", "docker", "wasm", "batch", "ops", "daemon", "service", "approve", "reject", "delete", "default")),
        (1, Gen.Int[300, 70_000].Select(length => new string('x', length))));

    /// <summary>Numbers as JSON writes them, in range and far out of it.</summary>
    public static readonly Gen<string> Number = Gen.OneOf<string>(
        Gen.Int.Select(value => value.ToString(CultureInfo.InvariantCulture)),
        Gen.Long.Select(value => value.ToString(CultureInfo.InvariantCulture)),
        Gen.Double.Select(value => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "1e999"),
        Gen.OneOf("0", "-0", "1e9", "1000000000", "-1", "1e999", "99999999999999999999999", "0.5", "\"12\"", "\"1e9\""));

    /// <summary>Any JSON value, nested a few levels.</summary>
    public static readonly Gen<string> Value = Gen.Recursive<string>((depth, value) => depth >= 3
        ? Scalar
        : Gen.Frequency(
            (4, Scalar),
            (1, value.Array[0, 4].Select(items => "[" + string.Join(',', items) + "]")),
            (1, Object(value))));

    public static Gen<string> Scalar => Gen.Frequency(
        (3, Text.Select(Quote)),
        (2, Number),
        (1, Gen.OneOf("true", "false", "null")));

    /// <summary>An object of generated keys and <paramref name="values"/>.</summary>
    public static Gen<string> Object(Gen<string> values) =>
        Gen.Select(Text, values).Array[0, 4].Select(Join);

    /// <summary>An object with some of <paramref name="fields"/> (each present or not), now and then a stray one.</summary>
    public static Gen<string> Fields(params (string Name, Gen<string> Value)[] fields) =>
        Gen.Select(
            fields.Select(field => Gen.Frequency((3, field.Value.Select(value => (string?)Property(field.Name, value))), (1, Gen.Const((string?)null)))).ToArray()
                .Aggregate(Gen.Const(Enumerable.Empty<string?>()), (all, next) => Gen.Select(all, next, (list, item) => list.Append(item))),
            Gen.Frequency((5, Gen.Const((string?)null)), (1, Gen.Select(Text, Value).Select(pair => (string?)Property(pair.Item1, pair.Item2)))),
            (present, stray) => "{" + string.Join(',', present.Append(stray).OfType<string>()) + "}");

    /// <summary>A list of 0 to <paramref name="max"/> items.</summary>
    public static Gen<string> List(Gen<string> items, int max) => items.Array[0, max].Select(all => "[" + string.Join(',', all) + "]");

    /// <summary>Either a well-formed value or any value at all, which is usually of the wrong type.</summary>
    public static Gen<string> OrAny(Gen<string> good) => Gen.Frequency((4, good), (1, Value));

    public static string Quote(string text)
    {
        var json = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => json.Append("\\\""),
                '\\' => json.Append("\\\\"),
                < ' ' => json.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => json.Append(c),
            };
        }

        return json.Append('"').ToString();
    }

    private static string Property(string name, string value) => Quote(name) + ":" + value;

    private static string Join((string, string)[] pairs) => "{" + string.Join(',', pairs.Select(pair => Property(pair.Item1, pair.Item2))) + "}";
}

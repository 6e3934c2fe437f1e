namespace Bacalhau.Cli.Jobs;

/// <summary>
/// One comma-separated field of an <c>-i</c> or <c>-p</c> value as Bacalhau reads them: <c>key=text</c> (the key in
/// any case), or a bare value, whose key is empty.
/// </summary>
internal readonly record struct SpecFlagField(string Whole, string Key, string Text)
{
    /// <summary>A field with no '=' at all: a URI or a type, as the first field may be.</summary>
    public bool IsBare => !Whole.Contains('=', StringComparison.Ordinal);

    public bool IsTarget => Key is "target" or "dst" or "destination";

    public bool IsOption => Key is "opt" or "option";

    /// <summary>The fields of <paramref name="value"/>; a malformed value is <paramref name="invalid"/>'s exception.</summary>
    public static List<SpecFlagField> Split(string value, Func<string, Exception> invalid)
    {
        try
        {
            return [.. CsvRecord.Split(value).Select(Of)];
        }
        catch (FormatException ex)
        {
            throw invalid(ex.Message);
        }
    }

    /// <summary>Adds this <c>opt=key=value</c> field to <paramref name="options"/>; the problem when it is not one.</summary>
    public string? AddOptionTo(Dictionary<string, string> options)
    {
        var split = Text.IndexOf('=', StringComparison.Ordinal);
        if (split <= 0)
        {
            return $"'{Whole}' is not opt=key=value";
        }

        options[Text[..split]] = Text[(split + 1)..];
        return null;
    }

    /// <summary>Why this field has no place in the value: a bare value, or a key none of <paramref name="expected"/>.</summary>
    public string Misplaced(string expected) =>
        Key.Length == 0 ? $"'{Whole}' is not a key=value pair" : $"unknown key '{Whole[..Key.Length]}' (expected {expected})";

    private static SpecFlagField Of(string field)
    {
        var equals = field.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? new(field, "", "") : new(field, field[..equals].ToLowerInvariant(), field[(equals + 1)..]);
    }
}

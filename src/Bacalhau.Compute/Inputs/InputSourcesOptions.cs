namespace Bacalhau.Compute.Inputs;

/// <summary>The <c>InputSources</c> configuration section, named as Bacalhau names its keys.</summary>
public sealed class InputSourcesOptions
{
    public const string SectionName = "InputSources";

    /// <summary>How long one input may take to fetch (<c>urlDownload</c>) before the execution fails.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromMinutes(5);
}

namespace Bacalhau.Compute.Inputs;

/// <summary>The <c>InputSources</c> configuration section, named as Bacalhau names its keys.</summary>
public sealed class InputSourcesOptions
{
    public const string SectionName = "InputSources";

    /// <summary>The largest <see cref="MaxIpfsSize"/> or <see cref="MaxS3Size"/> that may be set (2 GiB - 1, what a config count holds).</summary>
    public const long MostSize = int.MaxValue;

    /// <summary>How long one input may take to fetch (<c>urlDownload</c>, <c>ipfs</c>, <c>s3</c>) before the execution fails.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The largest <c>ipfs</c> input, in bytes, both as the archive read from the content store and unpacked.</summary>
    public long MaxIpfsSize { get; set; } = 1L << 30;

    /// <summary>The largest <c>s3</c> input, in bytes: the objects it names together.</summary>
    public long MaxS3Size { get; set; } = 1L << 30;
}

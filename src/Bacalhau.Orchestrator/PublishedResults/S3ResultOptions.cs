using Bacalhau.ServiceDefaults.Options;
using Microsoft.Extensions.Options;

namespace Bacalhau.Orchestrator.PublishedResults;

/// <summary>The <c>Publishers:Types:S3</c> section, named as Bacalhau names it: how clients are handed <c>s3</c> results.</summary>
public sealed class S3ResultOptions
{
    public const string SectionName = "Publishers:Types:S3";

    /// <summary>Hand out <c>s3</c> results as they are, without a pre-signed URL to fetch them at.</summary>
    public bool PreSignedURLDisabled { get; set; }

    /// <summary>How long a pre-signed URL stays valid (S3 takes at most 7 days; Bacalhau's SDK signs for 15 minutes).</summary>
    public TimeSpan PreSignedURLExpiration { get; set; } = TimeSpan.FromMinutes(15);
}

internal sealed class S3ResultOptionsValidation : IValidateOptions<S3ResultOptions>
{
    public ValidateOptionsResult Validate(string? name, S3ResultOptions options) => new OptionsProblems(S3ResultOptions.SectionName)
        .Duration("PreSignedURLExpiration", options.PreSignedURLExpiration, TimeSpan.FromDays(7))
        .Result;
}

using Bacalhau.ServiceDefaults.Options;
using Microsoft.Extensions.Options;

namespace Bacalhau.Compute.Inputs;

internal sealed class InputSourcesOptionsValidation : IValidateOptions<InputSourcesOptions>
{
    public ValidateOptionsResult Validate(string? name, InputSourcesOptions options) => new OptionsProblems(InputSourcesOptions.SectionName)
        .Duration("ReadTimeout", options.ReadTimeout, TimeSpan.FromDays(1))
        .Between("MaxIpfsSize", options.MaxIpfsSize, 1, InputSourcesOptions.MostSize)
        .Between("MaxS3Size", options.MaxS3Size, 1, InputSourcesOptions.MostSize)
        .Result;
}

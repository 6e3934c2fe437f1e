using Bacalhau.ServiceDefaults.Options;
using Microsoft.Extensions.Options;

namespace Bacalhau.Orchestrator.Api;

internal sealed class ApiLimitsOptionsValidation : IValidateOptions<ApiLimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiLimitsOptions options) => new OptionsProblems(ApiLimitsOptions.SectionName)
        .Between("MaxRequestBodySize", options.MaxRequestBodySize, 1, int.MaxValue)
        .Between("RateLimit:SubmitsPerSecond", options.RateLimit.SubmitsPerSecond, 0, int.MaxValue)
        .Result;
}

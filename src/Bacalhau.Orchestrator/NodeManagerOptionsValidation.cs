using Bacalhau.ServiceDefaults.Options;
using Microsoft.Extensions.Options;

namespace Bacalhau.Orchestrator;

internal sealed class NodeManagerOptionsValidation : IValidateOptions<NodeManagerOptions>
{
    public ValidateOptionsResult Validate(string? name, NodeManagerOptions options) => new OptionsProblems(NodeManagerOptions.SectionName)
        .Duration("DisconnectTimeout", options.DisconnectTimeout, TimeSpan.FromDays(1))
        .Result;
}

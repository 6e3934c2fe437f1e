using Bacalhau.ServiceDefaults.Options;
using Microsoft.Extensions.Options;

namespace Bacalhau.Compute.Publishers.Local;

/// <summary>The address and port go into every result URL this node hands out: both must make one.</summary>
internal sealed class LocalPublisherOptionsValidation : IValidateOptions<LocalPublisherOptions>
{
    public ValidateOptionsResult Validate(string? name, LocalPublisherOptions options) => new OptionsProblems(LocalPublisherOptions.SectionName)
        .Check(Uri.CheckHostName(options.Address.Trim('[', ']')) != UriHostNameType.Unknown, "Address", $"'{options.Address}' is not a host name or IP address")
        .Between("Port", options.Port, 0, 65535)
        .Result;
}

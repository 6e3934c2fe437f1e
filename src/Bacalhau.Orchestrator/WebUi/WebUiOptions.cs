using Bacalhau.ServiceDefaults.Options;
using Microsoft.Extensions.Options;

namespace Bacalhau.Orchestrator.WebUi;

/// <summary>The <c>Orchestrator:WebUi</c> section.</summary>
public sealed class WebUiOptions
{
    public const string SectionName = "Orchestrator:WebUi";

    /// <summary>
    /// Base URL of the dashboard this orchestrator's traces go to (the Aspire dashboard's); set, a job's page links to
    /// that job's traces there. The AppHost sets it; its login token is never part of it.
    /// </summary>
    public string? DashboardUrl { get; set; }
}

internal sealed class WebUiOptionsValidation : IValidateOptions<WebUiOptions>
{
    public ValidateOptionsResult Validate(string? name, WebUiOptions options) => new OptionsProblems(WebUiOptions.SectionName)
        .Check(
            options.DashboardUrl is null || IsBaseUrl(options.DashboardUrl),
            "DashboardUrl",
            "must be an http or https URL without credentials, query or fragment (the dashboard's base URL, not its login link)")
        .Result;

    // Every user of the web UI reads this URL: a login token in it would hand them the dashboard.
    private static bool IsBaseUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url)
        && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
        && url.UserInfo.Length == 0 && url.Query.Length == 0 && url.Fragment.Length == 0;
}

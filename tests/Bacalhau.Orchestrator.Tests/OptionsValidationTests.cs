using Bacalhau.Orchestrator.Api;
using Bacalhau.Orchestrator.Scheduling;
using Bacalhau.Orchestrator.WebUi;
using Microsoft.Extensions.Options;

namespace Bacalhau.Orchestrator.Tests;

/// <summary>An orchestrator's settings are checked at start; each bad one is refused naming its key, the defaults pass.</summary>
public sealed class OptionsValidationTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.True(new SchedulerOptionsValidation().Validate(null, new SchedulerOptions()).Succeeded);
        Assert.True(new NodeManagerOptionsValidation().Validate(null, new NodeManagerOptions()).Succeeded);
        Assert.True(new ApiLimitsOptionsValidation().Validate(null, new ApiLimitsOptions { RateLimit = { SubmitsPerSecond = 0 } }).Succeeded);
        Assert.True(new WebUiOptionsValidation().Validate(null, new WebUiOptions()).Succeeded);
        Assert.True(new WebUiOptionsValidation().Validate(null, new WebUiOptions { DashboardUrl = "http://127.0.0.1:15888" }).Succeeded);
    }

    public static TheoryData<Func<ValidateOptionsResult>, string> BadSettings() => new()
    {
        { () => new SchedulerOptionsValidation().Validate(null, new SchedulerOptions { MaxCount = 0 }), "Orchestrator:Scheduler:MaxCount: must be between 1 and 100000, got 0" },
        { () => new SchedulerOptionsValidation().Validate(null, new SchedulerOptions { MaxCount = 100_001 }), "Orchestrator:Scheduler:MaxCount: must be between 1 and 100000" },
        { () => new SchedulerOptionsValidation().Validate(null, new SchedulerOptions { MaxRetries = -1 }), "Orchestrator:Scheduler:MaxRetries: must be between 0 and 100" },
        { () => new SchedulerOptionsValidation().Validate(null, new SchedulerOptions { QueueTimeout = TimeSpan.FromDays(50) }), "Orchestrator:Scheduler:QueueTimeout: must be more than 0 and at most 30.00:00:00" },
        { () => new NodeManagerOptionsValidation().Validate(null, new NodeManagerOptions { DisconnectTimeout = TimeSpan.Zero }), "Orchestrator:NodeManager:DisconnectTimeout: must be more than 0" },
        { () => new ApiLimitsOptionsValidation().Validate(null, new ApiLimitsOptions { MaxRequestBodySize = 0 }), "API:MaxRequestBodySize: must be between 1 and" },
        { () => new ApiLimitsOptionsValidation().Validate(null, new ApiLimitsOptions { RateLimit = { SubmitsPerSecond = -1 } }), "API:RateLimit:SubmitsPerSecond: must be between 0 and" },
        // The dashboard's login link would hand its token to every user of the web UI.
        { () => new WebUiOptionsValidation().Validate(null, new WebUiOptions { DashboardUrl = "http://127.0.0.1:15888/login?t=secret" }), "Orchestrator:WebUi:DashboardUrl: must be an http or https URL" },
        { () => new WebUiOptionsValidation().Validate(null, new WebUiOptions { DashboardUrl = "javascript:alert(1)" }), "Orchestrator:WebUi:DashboardUrl: must be an http or https URL" },
        { () => new WebUiOptionsValidation().Validate(null, new WebUiOptions { DashboardUrl = "dashboard" }), "Orchestrator:WebUi:DashboardUrl: must be an http or https URL" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_is_refused_naming_its_key(Func<ValidateOptionsResult> validate, string message)
    {
        var result = validate();

        Assert.True(result.Failed);
        Assert.StartsWith(message, Assert.Single(result.Failures!), StringComparison.Ordinal);
    }
}

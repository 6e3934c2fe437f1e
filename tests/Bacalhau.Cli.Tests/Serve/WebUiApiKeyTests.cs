using Bacalhau.Cli.Tests.Infrastructure;
using Bacalhau.IntegrationTests.WebUi;
using OpenQA.Selenium;

namespace Bacalhau.Cli.Tests.Serve;

/// <summary>An orchestrator whose API answers only requests with its API key, from loopback too.</summary>
public sealed class ApiKeyProtectedOrchestrator : ServedOrchestrator
{
    public const string ApiKey = "web-ui-test-key-5f0c2e";

    protected override string[] Arguments =>
        ["-c", $"API.Auth.Users=[{{APIKey: {ApiKey}, Capabilities: [{{Actions: ['*']}}]}}]", "--API.Auth.AllowAnonymousLoopback=false"];
}

/// <summary>The web UI in headless Chromium when API authentication is on: the key is asked once and kept for the tab.</summary>
public sealed class WebUiApiKeyTests(ApiKeyProtectedOrchestrator orchestrator) : IClassFixture<ApiKeyProtectedOrchestrator>
{
    [Fact]
    public void The_ui_asks_for_the_api_key_refuses_a_wrong_one_and_keeps_the_right_one_for_the_tab()
    {
        using var browser = HeadlessChromium.Start();
        var driver = browser.Driver;
        driver.Navigate().GoToUrl(new Uri(orchestrator.Api, "/#/nodes"));

        SignIn(driver, "not-the-key");
        // Refused: the form is back, emptied, and no page was shown.
        HeadlessChromium.Wait(driver, d => d.FindElement(By.Id("token-form")).Displayed && d.FindElement(By.Id("token-input")).GetAttribute("value") == "");
        Assert.Empty(driver.FindElements(By.Id("nodes-table")));
        SignIn(driver, ApiKeyProtectedOrchestrator.ApiKey);
        HeadlessChromium.Wait(driver, d => d.FindElements(By.CssSelector("#nodes-table tr[data-node-id]")).Count >= 1);
        browser.ConsoleErrors();

        // A reload in the same tab asks nothing: the key was kept.
        driver.Navigate().GoToUrl(new Uri(orchestrator.Api, "/#/jobs"));
        driver.Navigate().Refresh();
        HeadlessChromium.Wait(driver, d => d.FindElement(By.Id("jobs-table")));
        browser.SaveScreenshot("api-key-kept");

        Assert.False(driver.FindElement(By.Id("token-form")).Displayed);
        Assert.Empty(browser.ConsoleErrors());
        Assert.DoesNotContain(ApiKeyProtectedOrchestrator.ApiKey, driver.PageSource, StringComparison.Ordinal);
    }

    private static void SignIn(IWebDriver driver, string key)
    {
        var input = HeadlessChromium.Wait(driver, d => d.FindElement(By.Id("token-input")) is { Displayed: true } shown ? shown : null);
        input!.SendKeys(key + Keys.Enter);
    }
}

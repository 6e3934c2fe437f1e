using System.Globalization;
using Bacalhau.Bench.Measurement;
using Bacalhau.IntegrationTests.WebUi;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;

namespace Bacalhau.Bench.Membership;

/// <summary>
/// The web UI's node list in headless Chromium: the time from the start of a navigation to the first frame after its
/// first page of nodes is in the document, read off the browser's own clock so WebDriver's round trips do not count.
/// Each navigation is a full page load (assets from the browser's cache after the first).
/// </summary>
internal static class NodeListPage
{
    // Runs in each new document before the page's own scripts.
    private const string RecordRender = """
        new MutationObserver((_, observer) => {
          if (!document.getElementById('nodes-table')) return;
          observer.disconnect();
          requestAnimationFrame(() => { window.__nodesRenderedAt = performance.now(); });
        }).observe(document, { childList: true, subtree: true });
        """;

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    /// <summary>Render times of <paramref name="loads"/> loads of <c>#/nodes</c>, or why they could not be measured.</summary>
    public static (Latencies? Times, string? Skipped) Measure(Uri apiBase, int loads)
    {
        if (!File.Exists(HeadlessChromium.BrowserPath) || !File.Exists(HeadlessChromium.DriverPath))
        {
            return (null, "needs Debian's chromium and chromium-driver");
        }

        using var browser = HeadlessChromium.Start();
        var driver = browser.Driver;
        driver.ExecuteCdpCommand("Page.addScriptToEvaluateOnNewDocument", new Dictionary<string, object?> { ["source"] = RecordRender });
        var page = new Uri(apiBase, "/#/nodes");
        var times = new Latencies();
        for (var load = 0; load < loads; load++)
        {
            // Away first: the same URL again would only be a change of hash, not a load.
            driver.Navigate().GoToUrl("about:blank");
            driver.Navigate().GoToUrl(page);
            var renderedAt = new WebDriverWait(driver, Timeout) { PollingInterval = TimeSpan.FromMilliseconds(20) }
                .Until(d => ((IJavaScriptExecutor)d).ExecuteScript("return window.__nodesRenderedAt ?? null;"));
            times.Add(TimeSpan.FromMilliseconds(Convert.ToDouble(renderedAt, CultureInfo.InvariantCulture)));
        }

        var errors = browser.ConsoleErrors();
        return errors.Count == 0 ? (times, null) : (null, $"the page logged errors: {string.Join("; ", errors)}");
    }
}

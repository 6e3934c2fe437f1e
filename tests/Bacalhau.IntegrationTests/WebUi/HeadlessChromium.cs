using System.Net;
using System.Net.Sockets;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Bacalhau.IntegrationTests.WebUi;

/// <summary>
/// Debian's Chromium, headless, driven through its chromedriver on a free loopback port. Nothing is downloaded: the
/// driver and the browser are named by path, and Selenium Manager is told to stay offline. Disposing quits the browser
/// and stops the driver and every process it started, by PID.
/// </summary>
public sealed class HeadlessChromium : IDisposable
{
    public const string BrowserPath = "/usr/bin/chromium";
    public const string DriverPath = "/usr/bin/chromedriver";

    private static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(90);

    private readonly ChromeDriverService _service;
    private readonly string _profile;

    private HeadlessChromium(ChromeDriverService service, ChromeDriver driver, string profile)
    {
        _service = service;
        Driver = driver;
        _profile = profile;
    }

    public ChromeDriver Driver { get; }

    /// <summary>Starts the browser; a missing Chromium or driver fails here, saying what to install.</summary>
    public static HeadlessChromium Start()
    {
        foreach (var path in new[] { BrowserPath, DriverPath })
        {
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"{path} is missing: the web UI tests need Debian's chromium and chromium-driver packages (apt-get install chromium chromium-driver)");
            }
        }

        Environment.SetEnvironmentVariable("SE_OFFLINE", "true");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.Port = FreePort();
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;

        var profile = Directory.CreateTempSubdirectory("bacalhau-webui-chromium-").FullName;
        var options = new ChromeOptions { BinaryLocation = BrowserPath };
        options.AddArguments(
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--window-size=1400,1000", $"--user-data-dir={profile}");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        try
        {
            // Generous: a loaded machine takes its time to start a browser.
            return new HeadlessChromium(service, new ChromeDriver(service, options, TimeSpan.FromMinutes(2)), profile);
        }
        catch
        {
            StopProcesses(service);
            service.Dispose();
            Directory.Delete(profile, recursive: true);
            throw;
        }
    }

    /// <summary>Errors the page logged to the console (and failed loads) since the last call.</summary>
    public IReadOnlyList<string> ConsoleErrors() =>
        [.. Driver.Manage().Logs.GetLog(LogType.Browser).Where(e => e.Level >= LogLevel.Severe).Select(e => e.Message)];

    /// <summary>What <paramref name="condition"/> gives once it gives something, waiting generously: a loaded machine is slow.</summary>
    public static T Wait<T>(IWebDriver driver, Func<IWebDriver, T> condition)
    {
        var wait = new WebDriverWait(driver, WaitTimeout);
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        return wait.Until(condition);
    }

    public void SaveScreenshot(string name)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
        Directory.CreateDirectory(directory);
        Driver.GetScreenshot().SaveAsFile(Path.Combine(directory, $"{name}.png"));
    }

    public void Dispose()
    {
        var processes = Descendants(_service.ProcessId);
        try
        {
            Driver.Quit();
        }
        finally
        {
            Driver.Dispose();
            StopProcesses(_service, processes);
            _service.Dispose();
            Directory.Delete(_profile, recursive: true);
        }
    }

    /// <summary>Stops the driver and the browser processes it started, should quitting have left any.</summary>
    private static void StopProcesses(ChromeDriverService service, IReadOnlyList<int>? descendants = null)
    {
        foreach (var id in (descendants ?? Descendants(service.ProcessId)).Append(service.ProcessId))
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(id);
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(30));
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // Already gone.
            }
        }
    }

    /// <summary>The processes below <paramref name="root"/>, read from /proc.</summary>
    private static List<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var id))
            {
                continue;
            }

            try
            {
                // The parent is the 4th field, after the name in parentheses (which may hold spaces).
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[id] = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
        }

        var found = new List<int>();
        var queue = new Queue<int>([root]);
        while (queue.TryDequeue(out var parent))
        {
            foreach (var (child, _) in parents.Where(p => p.Value == parent))
            {
                found.Add(child);
                queue.Enqueue(child);
            }
        }

        return found;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

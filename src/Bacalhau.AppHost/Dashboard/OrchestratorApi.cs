using System.Net.Http.Headers;

namespace Bacalhau.AppHost.Dashboard;

/// <summary>
/// An HTTP client of one orchestrator's REST API, through its <c>http</c> endpoint, for the dashboard's commands. It
/// presents the admin API key the orchestrator keeps in its data directory, as the CLI of the same user does, so the
/// commands work with anonymous calls from this host turned off.
/// </summary>
internal static class OrchestratorApi
{
    public const string EndpointName = "http";

    // The orchestrator's AdminApiKey.FileName, under its role's folder of the data directory.
    private const string AdminKeyPath = "orchestrator/admin-api-key";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static HttpClient Create(IResourceWithEndpoints orchestrator, string? dataDir)
    {
        var http = new HttpClient { BaseAddress = new Uri(orchestrator.GetEndpoint(EndpointName).Url), Timeout = Timeout };
        if (dataDir is not null && File.Exists(Path.Combine(dataDir, AdminKeyPath)))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(Path.Combine(dataDir, AdminKeyPath)).Trim());
        }

        return http;
    }

    /// <summary>A command's failure naming the answer: the API's own error message is the body.</summary>
    public static async Task<ExecuteCommandResult> FailureAsync(string what, HttpResponseMessage response, CancellationToken cancellationToken) =>
        CommandResults.Failure($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
}

using System.Text;
using System.Text.Json;

namespace Bacalhau.AppHost.Dashboard;

/// <summary>"Submit hello job": a small batch job through the orchestrator's API, to see the cluster run one.</summary>
internal static class SubmitHelloJobCommand
{
    public const string Name = "submit-hello-job";

    // The noop engine runs on every compute node, Docker or not. Forced: each press runs the job again as its next version.
    private const string HelloJob = """
        {"Job": {"Name": "hello", "Type": "batch", "Count": 1, "Labels": {"submitted-by": "dashboard"},
                 "Tasks": [{"Name": "main", "Engine": {"Type": "noop"}}]}, "Force": true}
        """;

    public static async Task<ExecuteCommandResult> ExecuteAsync(HttpClient api, CancellationToken cancellationToken)
    {
        using var body = new StringContent(HelloJob, Encoding.UTF8, "application/json");
        using var response = await api.PutAsync(new Uri("/api/v1/orchestrator/jobs", UriKind.Relative), body, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return await OrchestratorApi.FailureAsync("the job was refused", response, cancellationToken);
        }

        using var answer = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return CommandResults.Success($"Submitted job {answer.RootElement.GetProperty("JobID").GetString()}");
    }
}

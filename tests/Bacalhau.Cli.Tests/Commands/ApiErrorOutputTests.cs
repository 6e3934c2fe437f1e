using System.Globalization;
using System.Net;
using System.Text.Json;
using Bacalhau.Cli.Tests.Infrastructure;

namespace Bacalhau.Cli.Tests.Commands;

/// <summary>An error the orchestrator answers reaches the user as its message, and its hint on a line of its own.</summary>
public sealed class ApiErrorOutputTests(ServedOrchestrator orchestrator) : IClassFixture<ServedOrchestrator>
{
    [Fact]
    public async Task An_unknown_job_shows_the_servers_message_and_hint()
    {
        var result = await CliProcess.RunAsync(orchestrator.DataDir, "job", "describe", "no-such-job", "--api-port", Port);

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Equal(["Error: job 'no-such-job' not found", "Hint: `bacalhau job list` lists the jobs"], result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task An_error_without_a_hint_is_one_line()
    {
        var result = await CliProcess.RunAsync(orchestrator.DataDir, "job", "list", "--next-token", "bogus", "--api-port", Port);

        Assert.True(result.ExitCode != 0, result.ToString());
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("Error: next_token 'bogus' is not a token this server issued", line.Trim());
    }

    [Fact]
    public async Task The_served_api_answers_a_removed_requester_route_410_in_bacalhaus_shape()
    {
        using var response = await orchestrator.Http.PostAsync("api/v1/requester/submit", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(410, error.RootElement.GetProperty("Status").GetInt32());
        Assert.Equal("NotFound", error.RootElement.GetProperty("Code").GetString());
        Assert.StartsWith("use PUT /api/v1/orchestrator/jobs", error.RootElement.GetProperty("Hint").GetString(), StringComparison.Ordinal);
        Assert.Equal(response.Headers.GetValues("X-Request-ID").Single(), error.RootElement.GetProperty("RequestID").GetString());
    }

    private string Port => orchestrator.Api.Port.ToString(CultureInfo.InvariantCulture);
}

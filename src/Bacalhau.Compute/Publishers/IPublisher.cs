using Bacalhau.Compute.Executors;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Compute.Publishers;

/// <summary>Makes an execution's results (result paths, stdout, stderr, exit code) available to the user.</summary>
public interface IPublisher
{
    /// <summary>The publisher name jobs ask for in <c>Tasks[0].Publisher.Type</c>.</summary>
    string Type { get; }

    /// <summary>Whether it can publish now; the node advertises and bids for only the publishers that can.</summary>
    bool IsAvailable => true;

    /// <summary>Publishes and returns where the result is (the <c>PublishedResult</c> of the execution), or null.</summary>
    Task<SpecConfig?> PublishAsync(ExecutionRequest request, RunCommandResult result, CancellationToken cancellationToken);
}

/// <summary>Publishes nothing: results stay in the execution's RunOutput only.</summary>
internal sealed class NoopPublisher : IPublisher
{
    public string Type => "noop";

    public Task<SpecConfig?> PublishAsync(ExecutionRequest request, RunCommandResult result, CancellationToken cancellationToken) =>
        Task.FromResult<SpecConfig?>(null);
}

using System.Text.Json;
using Bacalhau.Compute.Executors;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.Compute.Publishers.Local;

/// <summary>Keeps results on this node and serves them over its HTTP endpoint, as Bacalhau's <c>local</c> publisher does.</summary>
internal sealed class LocalPublisher(LocalResultStore store, LocalResultUrls urls) : IPublisher
{
    public string Type => PublisherTypes.Local;

    public async Task<SpecConfig?> PublishAsync(ExecutionRequest request, RunCommandResult result, CancellationToken cancellationToken)
    {
        var archive = await store.SaveAsync(request, result, cancellationToken);
        return new SpecConfig
        {
            Type = PublisherTypes.Local,
            Params = { ["URL"] = JsonSerializer.SerializeToElement(urls.For(archive.Name), BacalhauJsonContext.Default.String) },
        };
    }
}

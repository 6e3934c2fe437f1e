using System.Text.Json;
using Bacalhau.Compute.Executors;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Compute.Tests;

/// <summary>Execution requests as the execution manager builds them.</summary>
internal static class Requests
{
    public static SpecConfig Engine(string type, params (string Name, object Value)[] parameters) => new()
    {
        Type = type,
        Params = parameters.ToDictionary(p => p.Name, p => JsonSerializer.SerializeToElement(p.Value)),
    };

    public static ExecutionRequest For(
        JobTask task,
        Resources? allocated = null,
        IReadOnlyList<MountedInput>? inputs = null,
        IReadOnlyList<ResultDirectory>? results = null) =>
        new(
            new Execution
            {
                ID = "e-1",
                JobID = "j-1",
                AllocatedResources = allocated ?? Resources.Zero,
                Job = new Job { ID = "j-1", Tasks = [task] },
            },
            "/execution",
            inputs ?? [],
            results ?? [],
            "/execution/stdout",
            "/execution/stderr");
}


namespace Bacalhau.JobSpecs.Tests;

/// <summary>Conformance specs (copied next to the tests) and the submission path a spec takes through the orchestrator.</summary>
internal static class Specs
{
    public const string JobId = "j-0123456789";

    public static string Conformance(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "bacalhau-jobs", name));

    /// <summary>Read, assign the ID, apply defaults, validate: the errors a submission would get.</summary>
    public static IReadOnlyList<string> Errors(string text) =>
        JobValidator.Validate(JobDefaults.Apply(JobSpecReader.Read(text) with { ID = JobId }));
}

namespace Bacalhau.JobSpecs;

/// <summary>A job spec that was read but breaks one or more rules; <see cref="Errors"/> names each field at fault.</summary>
internal sealed class JobSpecValidationException : JobSpecException
{
    public JobSpecValidationException()
        : this([])
    {
    }

    public JobSpecValidationException(string message)
        : this([message])
    {
    }

    public JobSpecValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    public JobSpecValidationException(IReadOnlyList<string> errors)
        : base(errors.Count == 0 ? "the job is not valid" : string.Join("; ", errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<string> Errors { get; }
}

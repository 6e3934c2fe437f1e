namespace Bacalhau.JobSpecs;

/// <summary>A job spec that cannot be read or is not valid; the message is written for the user who submitted it.</summary>
public class JobSpecException : Exception
{
    public JobSpecException()
    {
    }

    public JobSpecException(string message)
        : base(message)
    {
    }

    public JobSpecException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

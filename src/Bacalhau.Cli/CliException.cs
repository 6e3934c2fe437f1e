namespace Bacalhau.Cli;

/// <summary>A mistake the user can fix; its message is printed as it is, without a stack trace.</summary>
internal sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

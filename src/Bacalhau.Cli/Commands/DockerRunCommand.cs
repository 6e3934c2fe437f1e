using System.CommandLine;
using Bacalhau.Cli.Jobs;
using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Cli.Commands;

/// <summary><c>bacalhau docker run IMAGE [-- CMD ARGS...]</c>: a one-task batch job on the docker engine.</summary>
internal sealed class DockerRunCommand : EngineRunCommand
{
    private readonly Argument<string> _image = new("image") { Description = "Container image" };
    private readonly Argument<string[]> _command = new("command") { Description = "Command and arguments, after --", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<string[]> _entrypoint = new("--entrypoint") { Description = "Override the image's entrypoint", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<string?> _workdir = new("--workdir", "-w") { Description = "Working directory inside the container" };

    public DockerRunCommand(GlobalOptions globals)
        : base("Run a Docker image as a job")
    {
        Add(_image);
        Add(_command);
        Add(_entrypoint);
        Add(_workdir);
        AddJobOptions(globals);
    }

    protected override Job BuildJob(ParseResult parse, JobSettings settings) => JobBuilder.Docker(
        parse.GetRequiredValue(_image),
        parse.GetValue(_entrypoint) ?? [],
        parse.GetValue(_command) ?? [],
        parse.GetValue(_workdir),
        settings);
}

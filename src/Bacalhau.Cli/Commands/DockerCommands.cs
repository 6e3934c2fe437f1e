using System.CommandLine;
using System.Text.Json;
using Bacalhau.Cli.Jobs;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.Cli.Commands;

/// <summary><c>bacalhau docker run IMAGE [-- CMD ARGS...]</c>: a one-task batch job on the docker engine.</summary>
internal sealed class DockerCommands : Command
{
    public DockerCommands(GlobalOptions globals)
        : base("docker", "Run Docker containers as jobs")
    {
        Add(new DockerRunCommand(globals));
    }
}

internal sealed class DockerRunCommand : Command
{
    private readonly Argument<string> _image = new("image") { Description = "Container image" };
    private readonly Argument<string[]> _command = new("command") { Description = "Command and arguments, after --", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<string[]> _entrypoint = new("--entrypoint") { Description = "Override the image's entrypoint", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<string?> _workdir = new("--workdir", "-w") { Description = "Working directory inside the container" };
    private readonly JobSpecOptions _spec = new();
    private readonly JobRunOptions _run = new();

    public DockerRunCommand(GlobalOptions globals)
        : base("run", "Run a Docker image as a job")
    {
        Add(_image);
        Add(_command);
        Add(_entrypoint);
        Add(_workdir);
        _spec.AddTo(this);
        _run.AddTo(this);
        this.SetAction(globals, (context, cancellationToken) =>
            JobRunner.RunAsync(context, JsonSerializer.SerializeToElement(BuildJob(context.Parse), BacalhauJsonContext.Default.Job), _run.Read(context.Parse), cancellationToken));
    }

    public Job BuildJob(ParseResult parse) => JobBuilder.Docker(
        parse.GetRequiredValue(_image),
        parse.GetValue(_entrypoint) ?? [],
        parse.GetValue(_command) ?? [],
        parse.GetValue(_workdir),
        _spec.Read(parse));
}

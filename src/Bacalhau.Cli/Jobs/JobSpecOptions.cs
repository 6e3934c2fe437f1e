using System.CommandLine;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.JobSpecs;

namespace Bacalhau.Cli.Jobs;

/// <summary>The job flags <c>docker run</c> and <c>wasm run</c> share, named as Bacalhau names them.</summary>
internal sealed class JobSpecOptions
{
    private readonly Option<string?> _name = new("--name") { Description = "Job name" };
    private readonly Option<int> _count = new("--count") { Description = "How many times to run the job", DefaultValueFactory = _ => 1 };
    private readonly Option<string[]> _env = new("--env", "-e") { Description = "Environment variable KEY=VALUE; repeatable", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<string?> _cpu = new("--cpu") { Description = "CPU to reserve: 500m, 1, 2.5" };
    private readonly Option<string?> _memory = new("--memory") { Description = "Memory to reserve: 512Mb, 1Gb" };
    private readonly Option<string?> _disk = new("--disk") { Description = "Disk to reserve: 10Gb" };
    private readonly Option<string?> _gpu = new("--gpu") { Description = "GPUs to reserve" };
    private readonly Option<long> _timeout = new("--timeout") { Description = "Execution timeout in seconds (0: the node's default)" };
    private readonly Option<string?> _publisher = new("--publisher", "-p") { Description = $"Where results go: {PublisherParser.Usage}" };
    private readonly Option<string[]> _inputs = new("--input", "-i") { Description = $"Input mounted in the task: {InputParser.Usage} (dst defaults to {InputParser.DefaultTarget}); repeatable", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<string[]> _outputs = new("--output-volumes", "-o") { Description = "Result directory name:/path; repeatable", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<string[]> _constraints = new("--constraints") { Description = "Node selector: k=v,k2!=v2,k3 in (a,b); repeatable", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<string[]> _labels = new("--labels", "-l") { Description = "Job label k=v (comma-separated or repeated)", Arity = ArgumentArity.ZeroOrMore };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _name, _count, _env, _cpu, _memory, _disk, _gpu, _timeout, _publisher, _inputs, _outputs, _constraints, _labels })
        {
            command.Add(option);
        }
    }

    public JobSettings Read(ParseResult parse) => new()
    {
        Name = parse.GetValue(_name) ?? "",
        Count = parse.GetValue(_count),
        Env = JobBuilder.ParsePairs(parse.GetValue(_env) ?? [], "--env"),
        Resources = new ResourcesConfig
        {
            CPU = parse.GetValue(_cpu) ?? "",
            Memory = parse.GetValue(_memory) ?? "",
            Disk = parse.GetValue(_disk) ?? "",
            GPU = parse.GetValue(_gpu) ?? "",
        },
        TimeoutSeconds = parse.GetValue(_timeout),
        Publisher = parse.GetValue(_publisher) is { } publisher ? PublisherParser.Parse(publisher) : null,
        Inputs = [.. (parse.GetValue(_inputs) ?? []).Select(InputParser.Parse)],
        Outputs = [.. (parse.GetValue(_outputs) ?? []).Select(JobBuilder.ParseOutput)],
        Constraints = [.. (parse.GetValue(_constraints) ?? []).SelectMany(Constraints)],
        Labels = JobBuilder.ParsePairs(
            (parse.GetValue(_labels) ?? []).SelectMany(l => l.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)), "--labels"),
    };

    private static List<LabelSelectorRequirement> Constraints(string selector)
    {
        try
        {
            return LabelSelector.Parse(selector);
        }
        catch (FormatException ex)
        {
            throw new CliException($"invalid constraint {ex.Message}");
        }
    }
}


namespace Bacalhau.JobSpecs.Tests;

public sealed class SandboxPathsTests
{
    private const string NotNormalised = "must be a normalised absolute path without empty, '.' or '..' segments";

    [Theory]
    [InlineData("ResultPaths: [{Name: /etc, Path: /out}]", "Tasks[0].ResultPaths[0].Name: must be a plain name without '/' or '\\', got '/etc'")]
    [InlineData("ResultPaths: [{Name: ../../.., Path: /out}]", "Tasks[0].ResultPaths[0].Name: must be a plain name without '/' or '\\', got '../../..'")]
    [InlineData("ResultPaths: [{Name: .., Path: /out}]", "Tasks[0].ResultPaths[0].Name: must be a plain name, not '..'")]
    [InlineData("ResultPaths: [{Name: '.', Path: /out}]", "Tasks[0].ResultPaths[0].Name: must be a plain name, not '.'")]
    [InlineData("ResultPaths: [{Name: 'a\\b', Path: /out}]", "Tasks[0].ResultPaths[0].Name: must be a plain name without '/' or '\\', got 'a\\b'")]
    [InlineData("ResultPaths: [{Name: \"a\\x01b\", Path: /out}]", "Tasks[0].ResultPaths[0].Name: must not contain control characters")]
    [InlineData("ResultPaths: [{Name: o, Path: /out/../etc}]", $"Tasks[0].ResultPaths[0].Path: {NotNormalised}, got '/out/../etc'")]
    [InlineData("ResultPaths: [{Name: o, Path: /}]", "Tasks[0].ResultPaths[0].Path: must not be the root directory '/'")]
    [InlineData("ResultPaths: [{Name: o, Path: //out}]", $"Tasks[0].ResultPaths[0].Path: {NotNormalised}, got '//out'")]
    [InlineData("InputSources: [{Target: /in/./x, Source: {Type: inline}}]", $"Tasks[0].InputSources[0].Target: {NotNormalised}, got '/in/./x'")]
    [InlineData("InputSources: [{Target: /.., Source: {Type: inline}}]", $"Tasks[0].InputSources[0].Target: {NotNormalised}, got '/..'")]
    [InlineData("InputSources: [{Target: /in, Alias: \"a\\nb\", Source: {Type: inline}}]", "Tasks[0].InputSources[0].Alias: must not contain control characters")]
    [InlineData("Network: {Type: None, Domains: [example.com]}", "Tasks[0].Network.Domains: only HTTP networking takes domains")]
    public void Names_and_paths_that_could_leave_the_sandbox_are_refused_naming_the_field(string taskLine, string error)
    {
        Assert.Equal([error], Specs.Errors(Spec(taskLine, "{Type: noop}")));
    }

    [Theory]
    [InlineData("{Type: wasm, Params: {EntryModule: ../../etc/main.wasm}}", "Tasks[0].Engine.Params.EntryModule: must not contain '.' or '..' segments, got '../../etc/main.wasm'")]
    [InlineData("{Type: wasm, Params: {EntryModule: /in/main.wasm, ImportModules: [/in/../lib.wasm]}}", "Tasks[0].Engine.Params.ImportModules[0]: must not contain '.' or '..' segments, got '/in/../lib.wasm'")]
    [InlineData("{Type: wasm, Params: {EntryModule: {Target: /x/../../main.wasm, Source: {Type: inline}}}}", $"Tasks[0].Engine.Params.EntryModule.Target: {NotNormalised}, got '/x/../../main.wasm'")]
    [InlineData("{Type: wasm, Params: {EntryModule: /in/main.wasm, ImportModules: [{Target: lib.wasm, Source: {Type: inline}}]}}", "Tasks[0].Engine.Params.ImportModules[0].Target: must be an absolute path, got 'lib.wasm'")]
    public void Wasm_module_references_never_go_up(string engine, string error)
    {
        Assert.Equal([error], Specs.Errors(Spec("", engine)));
    }

    [Fact]
    public void The_http_network_is_refused_rather_than_widened_to_the_host()
    {
        var error = Assert.Single(Specs.Errors(Spec("Network: {Type: http, Domains: [example.com]}", "{Type: noop}")));

        Assert.StartsWith("Tasks[0].Network.Type: HTTP networking (HTTP(S) to the listed Domains only) cannot be enforced", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ResultPaths: [{Name: outputs, Path: /outputs/}, {Name: 'my results.v2', Path: /data/out}]")]
    [InlineData("InputSources: [{Target: /inputs/, Alias: https://example.com/x, Source: {Type: inline}}]")]
    public void Ordinary_names_and_paths_pass(string taskLine)
    {
        Assert.Empty(Specs.Errors(Spec(taskLine, "{Type: noop}")));
    }

    [Fact]
    public void Names_and_paths_are_bounded()
    {
        Assert.Equal("must be at most 255 characters, got 256", SandboxPaths.NameProblem(new string('a', 256)));
        Assert.Null(SandboxPaths.NameProblem(new string('a', 255)));
        Assert.Equal("must be at most 4096 characters, got 4097", SandboxPaths.ContainerPathProblem("/" + new string('a', 4096)));
        Assert.Equal("must be at most 255 characters, got 256", SandboxPaths.AliasProblem(new string('a', 256)));
        Assert.Equal("must not contain control characters", SandboxPaths.ContainerPathProblem("/out\0"));
        Assert.Equal("must not contain control characters", SandboxPaths.ReferenceProblem("main\0.wasm"));
    }

    private static string Spec(string taskLines, string engine) => $"""
        Name: j
        Tasks:
          - Name: main
            Engine: {engine}
            {taskLines}
        """;
}

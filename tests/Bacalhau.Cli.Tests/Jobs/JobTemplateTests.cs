using Bacalhau.Cli.Jobs;

namespace Bacalhau.Cli.Tests.Jobs;

/// <summary>A spec file's placeholders filled as Bacalhau's <c>job run</c> fills them (Go's text/template over a map).</summary>
public sealed class JobTemplateTests
{
    private static readonly Dictionary<string, string> Variables = new() { ["name"] = "etl", ["IMAGE"] = "busybox:1.36", ["empty"] = "" };

    [Theory]
    [InlineData("name: {{.name}}", "name: etl")]
    [InlineData("name: {{ .name }}", "name: etl")]
    [InlineData("image: {{.IMAGE}} # {{.name}}", "image: busybox:1.36 # etl")]
    [InlineData("a: [{{.empty}}]", "a: []")]
    [InlineData("a: x  {{- .name }}", "a: xetl")]
    [InlineData("a: {{ .name -}}  \n  b", "a: etlb")]
    [InlineData("a: 1{{/* a comment */}}", "a: 1")]
    [InlineData("cmd: echo '{{\"{{\"}}.State}}'", "cmd: echo '{{.State}}'")]
    [InlineData("cmd: {{`{{raw}}`}}", "cmd: {{raw}}")]
    [InlineData("no placeholders: {x} }}", "no placeholders: {x} }}")]
    public void Placeholders_are_filled(string template, string expected) =>
        Assert.Equal(expected, JobTemplate.Render(template, Variables));

    [Fact]
    public void A_variable_without_a_value_is_an_error_naming_it_and_its_line()
    {
        var error = Assert.Throws<FormatException>(() => JobTemplate.Render("type: batch\nname: {{.missing}}\n", Variables));

        Assert.Equal("template line 2: map has no entry for key \"missing\" (set it with --template-vars missing=value, or --template-envs to take it from the environment)", error.Message);
    }

    [Theory]
    [InlineData("a: {{.name", "template line 1: unclosed action")]
    [InlineData("a: 1\nb: {{ if .name }}x{{ end }}", "template line 2: unsupported template action '{{if .name}}'")]
    [InlineData("a: {{.name | printf}}", "template line 1: unsupported template action")]
    public void Other_actions_are_refused_not_ignored(string template, string message)
    {
        var error = Assert.Throws<FormatException>(() => JobTemplate.Render(template, Variables));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }
}

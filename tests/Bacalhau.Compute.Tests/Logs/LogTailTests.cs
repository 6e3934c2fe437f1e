using Bacalhau.Compute.Logs;
using Bacalhau.Contracts.Protocol;

namespace Bacalhau.Compute.Tests.Logs;

/// <summary>Lines read from a real, growing log file: from its start or some lines before its end, each bounded.</summary>
public sealed class LogTailTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("bacalhau-logtail-").FullName;

    private string Path => System.IO.Path.Combine(_directory, "stdout");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(null, new[] { "line 1", "line 2", "line 3", "line 4" })]
    [InlineData(2, new[] { "line 3", "line 4" })]
    [InlineData(4, new[] { "line 1", "line 2", "line 3", "line 4" })]
    [InlineData(100, new[] { "line 1", "line 2", "line 3", "line 4" })]
    [InlineData(0, new string[0])]
    public void Tail_starts_that_many_lines_before_the_end(int? tail, string[] expected)
    {
        File.WriteAllText(Path, "line 1\nline 2\nline 3\nline 4\n");

        Assert.Equal(expected, ReadAll(tail));
    }

    [Fact]
    public void A_last_line_without_its_newline_is_one_of_the_tail()
    {
        File.WriteAllText(Path, "line 1\nline 2\npartial");

        Assert.Equal(["line 2", "partial"], ReadAll(2));
        Assert.Equal(["partial"], ReadAll(1));
    }

    [Fact]
    public void Tail_0_gives_only_what_is_written_after_it_and_a_partial_line_whole()
    {
        File.WriteAllText(Path, "old 1\nold 2\nhalf ");
        using var tail = new LogTail(Path, ExecutionLogType.Stdout, 0);
        var batch = new LogBatch();
        tail.ReadLines(batch);
        File.AppendAllText(Path, "done\nnew\n");
        tail.ReadLines(batch);

        Assert.Equal(["half done", "new"], batch.Take().Lines.Select(l => l.Line));
    }

    [Fact]
    public void Tail_finds_lines_across_blocks_of_a_large_file()
    {
        File.WriteAllLines(Path, Enumerable.Range(1, 50_000).Select(i => $"line {i}"));

        Assert.Equal(Enumerable.Range(49_001, 1_000).Select(i => $"line {i}"), ReadAll(1_000));
    }

    [Fact]
    public void A_file_that_appears_after_the_request_is_read_whole_whatever_the_tail()
    {
        using var tail = new LogTail(Path, ExecutionLogType.Stdout, 0);
        var batch = new LogBatch();
        Assert.False(tail.ReadLines(batch));
        File.WriteAllText(Path, "first\nsecond\n");
        tail.ReadLines(batch);

        Assert.Equal(["first", "second"], batch.Take().Lines.Select(l => l.Line));
    }

    [Fact]
    public void A_line_without_end_comes_in_bounded_pieces()
    {
        File.WriteAllText(Path, new string('x', 100_000));

        var lines = ReadAll(null);

        Assert.Equal(100_000, lines.Sum(l => l.Length));
        Assert.True(lines.Count > 1);
        Assert.All(lines, l => Assert.True(l.Length <= 20 * 1024, $"a piece of {l.Length} characters"));
    }

    private List<string> ReadAll(int? tail)
    {
        using var reader = new LogTail(Path, ExecutionLogType.Stdout, tail);
        var lines = new List<string>();
        var batch = new LogBatch();
        while (reader.ReadLines(batch) || batch.Lines.Count > 0)
        {
            lines.AddRange(batch.Take().Lines.Select(l => l.Line));
        }

        reader.Flush(batch);
        lines.AddRange(batch.Take().Lines.Select(l => l.Line));
        return lines;
    }
}

using System.Text;
using CsCheck;

namespace Bacalhau.Cli.Tests.BadInput;

/// <summary>Generated requests for each endpoint that takes input: mostly near-valid specs with broken parts, and junk.</summary>
internal static class RequestGenerators
{
    public const string Jobs = "api/v1/orchestrator/jobs";
    public const string Nodes = "api/v1/orchestrator/nodes";

    private static readonly Gen<string?> ContentTypes = Gen.OneOf<string?>("application/json", "application/json; charset=utf-8", "text/plain", null, "application/x-www-form-urlencoded", "application/json; charset=latin1");

    public static Gen<HttpCase> JobSubmissions { get; } =
        Gen.Select(Body(JobPut), ContentTypes, Gen.Bool, (body, type, put) => new HttpCase("PUT jobs", put ? HttpMethod.Put : HttpMethod.Post, Jobs, body, type));

    /// <summary>
    /// Legacy specs for <c>/api/v1/run</c>. A valid one would be run and waited for (minutes without compute nodes), so
    /// every spec names a verifier this product refuses; everything else about it is generated.
    /// </summary>
    public static Gen<HttpCase> Runs { get; } =
        Gen.Select(Body(LegacySpec), ContentTypes, (body, type) => new HttpCase("POST run", HttpMethod.Post, "api/v1/run", body, type));

    public static Gen<HttpCase> NodeUpdates { get; } =
        Gen.Select(Segment, Body(NodeUpdate), ContentTypes, (id, body, type) => new HttpCase("PUT nodes", HttpMethod.Put, $"{Nodes}/{id}", body, type));

    /// <summary>Reads (logs too) and stops with generated IDs and query strings (blocking waits stay short: a 404 comes first anyway).</summary>
    public static Gen<HttpCase> Queries { get; } = Gen.OneOf<HttpCase>(
        Query(Jobs, ("limit", Integer), ("next_token", Word), ("reverse", Word)),
        Query(Nodes, ("limit", Integer), ("next_token", Word)),
        Gen.Select(Segment, Query("", ("include", Word), ("index", Integer), ("wait", Wait)), (id, query) => query with { PathAndQuery = $"{Jobs}/{id}{query.PathAndQuery}" }),
        Gen.Select(Segment, Gen.OneOf("executions", "history", "results"), (id, part) => new HttpCase("GET queries", HttpMethod.Get, $"{Jobs}/{id}/{part}", null, null)),
        Gen.Select(Segment, Query("", ("execution_id", Word), ("follow", Word), ("tail", Integer)), (id, query) => query with { PathAndQuery = $"{Jobs}/{id}/logs{query.PathAndQuery}" }),
        Gen.Select(Segment, Word, (id, reason) => new HttpCase("GET queries", HttpMethod.Delete, $"{Jobs}/{id}?reason={Uri.EscapeDataString(reason)}", null, null)),
        Segment.Select(id => new HttpCase("GET queries", HttpMethod.Get, $"{Nodes}/{id}", null, null)));

    private static Gen<string> Word => JsonText.Text;

    private static Gen<string> Integer => Gen.OneOf<string>(JsonText.Number, Word);

    private static Gen<string> Wait => Gen.OneOf<string>(Gen.OneOf("1s", "0s", "1ms", "2s", "-1s", "1h", "11m", "abc", "", "1e9s", "9999999999999h", "99999999999999999999999ns"), Word);

    /// <summary>A path segment: escaped generated text, sometimes very long.</summary>
    private static Gen<string> Segment => Gen.Frequency(
        (8, Word.Where(word => word.Length > 0).Select(Uri.EscapeDataString)),
        (1, Gen.Int[2_000, 9_000].Select(length => new string('n', length))));

    private static Gen<HttpCase> Query(string path, params (string Name, Gen<string> Value)[] parameters) =>
        parameters
            .Select(p => Gen.Frequency((2, p.Value.Select(value => (string?)$"{p.Name}={Uri.EscapeDataString(value)}")), (1, Gen.Const((string?)null))))
            .Aggregate(Gen.Const(Enumerable.Empty<string?>()), (all, next) => Gen.Select(all, next, (list, item) => list.Append(item)))
            .Select(pairs => pairs.OfType<string>().ToList())
            .Select(pairs => new HttpCase("GET queries", HttpMethod.Get, pairs.Count == 0 ? path : $"{path}?{string.Join('&', pairs)}", null, null));

    /// <summary>The text as UTF-8, or broken on the way: truncated, invalid bytes spliced in, nested too deep, or noise.</summary>
    private static Gen<byte[]> Body(Gen<string> json) => Gen.Frequency(
        (10, json.Select(Encoding.UTF8.GetBytes)),
        (2, Gen.Select(json, Gen.Double[0, 1]).Select(pair => Truncate(Encoding.UTF8.GetBytes(pair.Item1), pair.Item2))),
        (2, Gen.Select(json, Gen.Double[0, 1], Gen.OneOf(new byte[] { 0xFF }, [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82])).Select(t => Splice(Encoding.UTF8.GetBytes(t.Item1), t.Item2, t.Item3))),
        (1, Gen.Byte.Array[0, 400]),
        (1, Gen.Int[65, 5_000].Select(depth => Encoding.ASCII.GetBytes(new string('[', depth) + new string(']', depth)))),
        (1, Gen.Int[1_000_000, 1_200_000].Select(length => Encoding.ASCII.GetBytes("{\"Job\":{\"Name\":\"" + new string('n', length) + "\"}}"))));

    private static Gen<string> Strings => JsonText.Text.Select(JsonText.Quote);

    private static Gen<string> StringMap => JsonText.OrAny(JsonText.Object(Strings));

    private static Gen<string> SpecConfig(params string[] types) => JsonText.Fields(
        ("Type", JsonText.OrAny(Gen.OneOf(types).Select(JsonText.Quote))),
        ("Params", JsonText.OrAny(JsonText.Object(JsonText.Value))));

    private static Gen<string> Task => JsonText.Fields(
        ("Name", JsonText.OrAny(Strings)),
        ("Engine", JsonText.OrAny(SpecConfig("noop", "noop", "noop", "docker", "wasm", "Noop", ""))),
        ("Publisher", JsonText.OrAny(SpecConfig("noop", "local", "ipfs", "s3"))),
        ("Env", StringMap),
        ("Meta", StringMap),
        ("InputSources", JsonText.OrAny(JsonText.List(JsonText.Fields(("Source", SpecConfig("inline", "urlDownload", "local")), ("Target", Strings), ("Alias", Strings)), 3))),
        ("ResultPaths", JsonText.OrAny(JsonText.List(JsonText.Fields(("Name", Strings), ("Path", Strings)), 3))),
        ("Resources", JsonText.OrAny(JsonText.Fields(("CPU", Strings), ("Memory", Strings), ("Disk", Strings), ("GPU", Strings)))),
        ("Network", JsonText.OrAny(JsonText.Fields(("Type", Strings), ("Domains", JsonText.List(Strings, 3))))),
        ("Timeouts", JsonText.OrAny(JsonText.Fields(("ExecutionTimeout", JsonText.Number), ("QueueTimeout", JsonText.Number), ("TotalTimeout", JsonText.Number)))));

    private static Gen<string> Job => JsonText.Fields(
        ("Name", JsonText.OrAny(Strings)),
        ("Namespace", JsonText.OrAny(Strings)),
        ("Type", JsonText.OrAny(Gen.OneOf("batch", "service", "ops", "daemon", "cron").Select(JsonText.Quote))),
        ("Count", JsonText.OrAny(Gen.Frequency((3, Gen.Int[0, 5].Select(count => count.ToString(System.Globalization.CultureInfo.InvariantCulture))), (1, JsonText.Number)))),
        ("Priority", JsonText.Number),
        ("Labels", StringMap),
        ("Meta", StringMap),
        ("Constraints", JsonText.OrAny(JsonText.List(JsonText.Fields(("Key", Strings), ("Operator", Gen.OneOf("=", "!=", "in", "exists", "gt", "like").Select(JsonText.Quote)), ("Values", JsonText.List(Strings, 3))), 3))),
        ("Tasks", JsonText.OrAny(Gen.Frequency((3, Task.Select(task => $"[{task}]")), (1, JsonText.List(Task, 2))))));

    private static Gen<string> JobPut => Gen.Frequency(
        (8, JsonText.Fields(("Job", JsonText.OrAny(Job)), ("Force", JsonText.Value))),
        (2, AcceptableJob),
        (1, JsonText.Value));

    /// <summary>Jobs that pass, so that the accepting path (store, scheduler, queue) is exercised too.</summary>
    private static Gen<string> AcceptableJob => Gen.Select(
        Gen.Char['a', 'z'].Array[1, 40].Select(name => JsonText.Quote(new string(name))),
        Gen.Int[0, 5],
        Gen.Select(Gen.Char['a', 'z'].Array[1, 10], Gen.String[0, 60]).Array[0, 5],
        (name, count, labels) =>
            $$"""{"Job":{"Name":{{name}},"Count":{{count}},"Labels":{""" +
            string.Join(',', labels.Select(l => JsonText.Quote(new string(l.Item1)) + ":" + JsonText.Quote(l.Item2))) +
            """},"Tasks":[{"Engine":{"Type":"noop"}}]}}""");

    private static Gen<string> LegacySpec => Gen.Select(
        JsonText.Fields(
            ("Engine", JsonText.OrAny(Gen.OneOf("Docker", "Wasm", "Noop", "Language").Select(JsonText.Quote))),
            ("Docker", JsonText.OrAny(JsonText.Fields(("Image", Strings), ("Entrypoint", JsonText.List(Strings, 3)), ("EnvironmentVariables", JsonText.List(Strings, 3)), ("WorkingDirectory", Strings)))),
            ("Wasm", JsonText.OrAny(JsonText.Fields(("EntryModule", JsonText.Value), ("EntryPoint", Strings), ("Parameters", JsonText.List(Strings, 3))))),
            ("Deal", JsonText.OrAny(JsonText.Fields(("Concurrency", JsonText.Number)))),
            ("Resources", JsonText.OrAny(JsonText.Fields(("CPU", Strings), ("Memory", Strings)))),
            ("Timeout", JsonText.Number),
            ("Inputs", JsonText.OrAny(JsonText.List(JsonText.Value, 2))),
            ("Outputs", JsonText.OrAny(JsonText.List(JsonText.Value, 2))),
            ("Annotations", JsonText.OrAny(JsonText.List(Strings, 3))),
            ("Publisher", JsonText.OrAny(Gen.OneOf("IPFS", "S3", "Noop").Select(JsonText.Quote)))),
        Gen.OneOf("\"Deterministic\"", "\"Nope\"", "7", "[]"),
        (spec, verifier) => spec.Length > 2 ? $"{{\"Verifier\":{verifier},{spec[1..]}" : $"{{\"Verifier\":{verifier}}}");

    private static Gen<string> NodeUpdate => Gen.Frequency(
        (8, JsonText.Fields(("Action", JsonText.OrAny(Gen.OneOf("approve", "reject", "delete", "APPROVE", " approve ", "promote").Select(JsonText.Quote))), ("Message", JsonText.OrAny(Strings)))),
        (1, JsonText.Value));

    private static byte[] Truncate(byte[] bytes, double at) => bytes[..(int)(bytes.Length * at)];

    private static byte[] Splice(byte[] bytes, double at, byte[] insert)
    {
        var index = (int)(bytes.Length * at);
        return [.. bytes[..index], .. insert, .. bytes[index..]];
    }
}

namespace Bacalhau.Cli.Serve;

/// <summary>Bacalhau's <c>Logging.Level</c> and <c>Logging.Mode</c> as the node's .NET logging.</summary>
internal static class ServeLogging
{
    /// <summary>
    /// The levels for <c>Logging.Level</c> (trace ... fatal). ASP.NET Core and the NATS client chat at Information, so
    /// they say only warnings and worse unless the level asked for is stricter still.
    /// </summary>
    public static Dictionary<string, string?> Levels(string level)
    {
        var configured = level switch
        {
            "trace" => LogLevel.Trace,
            "debug" => LogLevel.Debug,
            "warn" => LogLevel.Warning,
            "error" => LogLevel.Error,
            "fatal" => LogLevel.Critical,
            _ => LogLevel.Information,
        };
        var libraries = (LogLevel)Math.Max((int)configured, (int)LogLevel.Warning);
        return new()
        {
            ["Logging:LogLevel:Default"] = configured.ToString(),
            ["Logging:LogLevel:Microsoft.AspNetCore"] = libraries.ToString(),
            ["Logging:LogLevel:NATS"] = libraries.ToString(),
        };
    }

    /// <summary><c>json</c> writes one JSON object a line, for log collectors; <c>default</c> keeps the console's text.</summary>
    public static void SetMode(ILoggingBuilder logging, string mode)
    {
        if (mode == "json")
        {
            logging.AddJsonConsole();
        }
    }
}

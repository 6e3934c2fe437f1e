namespace Bacalhau.Contracts.Protocol;

/// <summary>NATS header names that mirror an envelope's metadata.</summary>
public static class MessageHeaders
{
    public const string Type = "Bacalhau-Type";
    public const string Source = "Bacalhau-Source";
    public const string EventTime = "Bacalhau-EventTime";
    public const string MessageId = "Bacalhau-MessageID";
    public const string SeqNum = "Bacalhau-SeqNum";
}

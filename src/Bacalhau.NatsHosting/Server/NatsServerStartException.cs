namespace Bacalhau.NatsHosting.Server;

/// <summary>nats-server could not be started, did not become ready, or a leftover one could not be stopped; the message is one line saying why.</summary>
public sealed class NatsServerStartException(string message) : Exception(message);

namespace Bacalhau.Messaging;

/// <summary>
/// Where an <see cref="OrderedChannel"/> sends (the subject of each peer), where its peers acknowledge, where it takes
/// messages from (one subscription for every peer) and which peer a received subject belongs to.
/// </summary>
public sealed record ChannelRoutes(Func<string, string> SendSubjectOf, AckRoute Acks, string ReceiveSubject, Func<string, string?> PeerOf);

namespace Bacalhau.Messaging;

/// <summary>
/// Where a sender instance asks its peers to acknowledge: a subject per peer and instance (<see cref="SubjectOf"/>),
/// inside the space the peer may publish to, one subscription covering all of them, and the peer of a subject.
/// </summary>
public sealed record AckRoute(Func<string, string, string> SubjectOf, Func<string, string> SubscriptionOf, Func<string, string?> PeerOf);

using Bacalhau.Contracts.Protocol;
using Bacalhau.Messaging;
using Bacalhau.Orchestrator.Storage;
using NATS.Client.Core;

namespace Bacalhau.Orchestrator.Transport;

/// <summary>
/// The orchestrator's ordered channel with every compute node: its outbox goes to <c>&lt;node&gt;.in.msgs</c>, the
/// nodes' messages come from <c>&lt;node&gt;.out.msgs</c>.
/// </summary>
public sealed class ComputeChannel(INatsConnection nats, IJobStore store, ILogger<ComputeChannel> logger, TimeProvider time)
    : OrderedChannel(nats, store, Routes, logger, time)
{
    private static readonly ChannelRoutes Routes = new(
        Subjects.DataIn,
        new AckRoute(Subjects.AcksFromCompute, Subjects.AllAcksFromCompute, Subjects.NodeIdOf),
        Subjects.AllDataOut,
        Subjects.NodeIdOf);
}

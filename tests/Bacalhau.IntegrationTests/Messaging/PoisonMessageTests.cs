using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Bacalhau.Contracts.Models;
using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Protocol;
using Bacalhau.IntegrationTests.Infrastructure;
using Bacalhau.IntegrationTests.Jobs;
using Bacalhau.Storage;
using NATS.Client.Core;

namespace Bacalhau.IntegrationTests.Messaging;

/// <summary>
/// A node or the orchestrator is sent a message it can never handle (sent with the orchestrator's rights: a token holder
/// may no longer publish on a node's subjects, see NatsIdentityTests).
/// </summary>
[Collection(SharedCluster.Name)]
public sealed class PoisonMessageTests(ClusterFixture cluster) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _scratch = Directory.CreateTempSubdirectory("bacalhau-poison-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_scratch, recursive: true);
    }

    [Fact]
    public async Task An_ask_for_bid_whose_payload_does_not_deserialize_is_set_aside_and_the_node_goes_on_running_jobs()
    {
        var label = Guid.NewGuid().ToString("N");
        await using var node = cluster.StartComputeNode(_scratch, environment: new Dictionary<string, string> { ["Labels__poison"] = label });
        var nodeId = await node.WaitForNodeIdAsync(Timeout);
        await cluster.WaitForNodeAsync(nodeId, NodeConnectionStatus.Connected, Timeout);

        await using var sender = cluster.ConnectWithOrchestratorRights("poison");
        var poisoned = await PublishPoisonAsync(sender, nodeId, node.DataDir);

        Assert.False(node.Process.HasExited, $"the compute node stopped:\n{node.Process.Output}");
        var reason = DeadLetterReason(node.DataDir, poisoned);
        Assert.Contains("AskForBidRequest", reason, StringComparison.Ordinal);

        // The next job takes the number the poison used, and the ones after it follow.
        for (var i = 0; i < 3; i++)
        {
            await RunOnAsync(label, nodeId);
        }

        Assert.False(node.Process.HasExited, $"the compute node stopped:\n{node.Process.Output}");
    }

    [Fact]
    public async Task A_result_whose_payload_does_not_deserialize_is_set_aside_in_the_history_of_the_job_it_names()
    {
        var label = Guid.NewGuid().ToString("N");
        await using var node = cluster.StartComputeNode(_scratch, environment: new Dictionary<string, string> { ["Labels__poison"] = label });
        var nodeId = await node.WaitForNodeIdAsync(Timeout);
        await cluster.WaitForNodeAsync(nodeId, NodeConnectionStatus.Connected, Timeout);
        var first = await RunOnAsync(label, nodeId);

        // As if the node had sent it: the number the orchestrator expects next from it, a RunResult of the wrong shape.
        await using var sender = cluster.ConnectWithOrchestratorRights("poison");
        var next = LastAssigned(node.DataDir) + 1;
        await sender.PublishAsync(
            Subjects.DataOut(nodeId),
            Envelope(MessageTypes.RunResult, $$"""{"ExecutionID":12,"JobID":"{{first}}"}"""),
            new NatsHeaders
            {
                [MessageHeaders.Type] = MessageTypes.RunResult,
                [MessageHeaders.SeqNum] = next.ToString(CultureInfo.InvariantCulture),
            });

        var history = await Eventually.WaitAsync(
            async () => (await cluster.GetJobAsync(first)).History?.Items.FirstOrDefault(h => h.Event.Message.Contains("could not be handled", StringComparison.Ordinal)),
            Timeout,
            $"the history of job {first} to tell of the message set aside");
        Assert.Contains($"message {next} (RunResult) from node {nodeId}", history.Event.Message, StringComparison.Ordinal);
        Assert.Equal(JobStateType.Completed, (await cluster.GetJobAsync(first)).Job.State.StateType);

        // The node's own next message takes that number, and the stream goes on.
        await RunOnAsync(label, nodeId);
        await RunOnAsync(label, nodeId);
    }

    private async Task<string> RunOnAsync(string label, string nodeId)
    {
        var job = JobLifecycleTests.NoopJob(JobTypes.Batch, count: 1) with
        {
            Constraints = [new LabelSelectorRequirement { Key = "poison", Operator = "=", Values = [label] }],
        };
        var submitted = await cluster.SubmitAsync(job);
        var done = await cluster.WaitForJobAsync(submitted.JobID, JobStateType.Completed, Timeout);
        Assert.Equal(nodeId, Assert.Single(done.Executions!.Items).NodeID);
        return submitted.JobID;
    }

    /// <summary>
    /// Publishes <c>{"Execution":12}</c> as an AskForBidRequest with the number the node expects next, until the node
    /// has set one aside (a number another sender took meanwhile is a duplicate, and is tried again); returns its number.
    /// </summary>
    private async Task<ulong> PublishPoisonAsync(NatsConnection sender, string nodeId, string dataDir)
    {
        // Acknowledged where the node may publish, as the orchestrator's own messages are.
        var inbox = Subjects.AcksFromCompute(nodeId, $"poison{Guid.NewGuid():N}");
        await using var acks = await sender.SubscribeCoreAsync<byte[]>(inbox);
        var poisoned = await Eventually.WaitAsync(
            async () =>
            {
                var next = ((await cluster.FindNodeAsync(nodeId))?.ConnectionState.LastOrchestratorSeqNum ?? 0) + 1;
                await sender.PublishAsync(
                    Subjects.DataIn(nodeId),
                    Envelope(MessageTypes.AskForBid, """{"Execution":12}"""),
                    new NatsHeaders
                    {
                        [MessageHeaders.Type] = MessageTypes.AskForBid,
                        [MessageHeaders.Source] = "sender",
                        [MessageHeaders.SeqNum] = next.ToString(CultureInfo.InvariantCulture),
                    },
                    replyTo: inbox);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await acks.Msgs.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException)
                {
                    return null;
                }

                return DeadLetterReason(dataDir, next) is null ? null : Tuple.Create(next);
            },
            Timeout,
            $"node {nodeId} to set the poison message aside");
        return poisoned.Item1;
    }

    /// <summary>The last number the node gave a message of its own, as its database holds it.</summary>
    private static ulong LastAssigned(string dataDir)
    {
        using var connection = SqliteDatabase.OpenReader(Path.Combine(dataDir, "compute", "state.db"));
        return (ulong)SqliteDatabase.Scalar(connection, "SELECT last_assigned FROM peer_sequences WHERE peer = 'orchestrator'");
    }

    /// <summary>The reason the node's database gives for setting message <paramref name="seq"/> aside, if it did.</summary>
    private static string? DeadLetterReason(string dataDir, ulong seq)
    {
        var path = Path.Combine(dataDir, "compute", "state.db");
        if (!File.Exists(path))
        {
            return null;
        }

        using var connection = SqliteDatabase.OpenReader(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT reason FROM dead_letters WHERE peer = 'orchestrator' AND seq = $seq";
        command.Parameters.AddWithValue("$seq", (long)seq);
        try
        {
            return command.ExecuteScalar() as string;
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // No such table yet: nothing set aside.
            return null;
        }
    }

    /// <summary>A well-formed envelope (version, checksum, metadata) around a payload of the wrong shape.</summary>
    private static byte[] Envelope(string type, string payload)
    {
        var body = Encoding.UTF8.GetBytes($$"""{"metadata":{"Bacalhau-Type":"{{type}}","Bacalhau-Source":"sender"},"payload":{{payload}}}""");
        var bytes = new byte[5 + body.Length];
        bytes[0] = Contracts.Protocol.Envelope.JsonVersion;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1, 4), System.IO.Hashing.Crc32.HashToUInt32(body));
        body.CopyTo(bytes, 5);
        return bytes;
    }
}

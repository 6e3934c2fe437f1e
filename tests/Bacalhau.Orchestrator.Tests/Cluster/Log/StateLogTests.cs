using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Protocol;
using Bacalhau.Contracts.Serialization;
using Bacalhau.Messaging;
using Bacalhau.Orchestrator.Cluster.Log;
using Bacalhau.Orchestrator.Storage;
using Bacalhau.Storage;
using NATS.Client.JetStream;

namespace Bacalhau.Orchestrator.Tests.Cluster.Log;

/// <summary>The replicated log on a real JetStream, applied by real SQLite stores.</summary>
public sealed class StateLogTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bacalhau-state-log-").FullName;
    private NatsCluster? _nats;

    public async Task InitializeAsync() => _nats = await NatsCluster.StartAsync(1);

    public async Task DisposeAsync()
    {
        await _nats!.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Operations_round_trip_and_a_replayed_message_encodes_the_leaders_envelope()
    {
        var changes = Submission("j-roundtrip", withMessage: true);
        changes.DeadLetters.Add(new DeadLetter("n-1", 3, "BidResult", "bad payload"));
        changes.Received = ("n-1", 4);
        var batch = new StateBatch(
        [
            CommitOperation.From(changes),
            new DeleteNodeOperation("n-2"),
            new AcknowledgedOperation("n-1", 7),
            new ResumeOperation("n-1", 9),
            new TermStartedOperation(3, "orchestrator-a"),
        ]);

        var decoded = StateLog.Decode(StateLog.Encode(batch));

        Assert.Equal(StateLog.Encode(batch), StateLog.Encode(decoded));
        var replayed = Assert.IsType<CommitOperation>(decoded.Operations[0]).ToChangeSet(_ => null);
        Assert.Equal(changes.Received, replayed.Received);
        Assert.Equal(changes.DeadLetters, replayed.DeadLetters);
        Assert.Equal("j-roundtrip", Assert.Single(replayed.Executions).Job?.ID);
        var original = Assert.Single(changes.Messages);
        var copy = Assert.Single(replayed.Messages);
        Assert.Equal(Envelope(original), Envelope(copy));
        Assert.Equal(new TermStartedOperation(3, "orchestrator-a"), decoded.Operations[4]);
    }

    [Fact]
    public async Task A_follower_replaying_the_log_from_an_empty_directory_ends_with_the_leaders_state_and_outbox_numbering()
    {
        await using var connection = _nats!.Connect();
        var log = await Replica.OpenLogAsync(new NatsJSContext(connection), 1);
        await using var leader = new Replica(Path.Combine(_dir, "leader"), log);
        var appender = leader.Lead();

        // Concurrent commits: several share an append, and the outbox numbers them in log order.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => leader.Store.CommitAsync(Submission($"j-{i:D2}", withMessage: i % 4 != 0))));
        await leader.Store.CommitAsync(Completion("j-03"));
        await leader.Store.CommitAsync(NewVersion(leader.Store.GetJob("j-05")!));
        await leader.Store.SaveNodeAsync(Node("n-1"));
        await leader.Store.ForgetAcknowledgedAsync("n-1", 5);

        await using var follower = new Replica(Path.Combine(_dir, "follower"), log);
        Assert.Equal(0ul, follower.Applied);
        follower.Follow();
        await follower.WaitForAsync(appender.LastSequence);

        Assert.Equal(Jobs(leader.Store), Jobs(follower.Store));
        foreach (var job in leader.Store.ListJobs(0, 100, reverse: false, JobFilter.All))
        {
            Assert.Equal(Ids(leader.Store.GetExecutions(job.ID)), Ids(follower.Store.GetExecutions(job.ID)));
            Assert.Equal(leader.Store.GetHistory(job.ID).Select(h => h.Event.Message), follower.Store.GetHistory(job.ID).Select(h => h.Event.Message));
            Assert.Equal(leader.Store.GetJobVersions(job.ID).Select(v => (v.Version, v.Count)), follower.Store.GetJobVersions(job.ID).Select(v => (v.Version, v.Count)));
        }

        Assert.Equal([(1UL, 1), (2UL, 2)], follower.Store.GetJobVersions("j-05").Select(v => (v.Version, v.Count)));

        // 15 messages, the first 5 acknowledged.
        var outbox = Outbox(leader.Path);
        Assert.Equal(10, outbox.Count);
        Assert.Equal(outbox, Outbox(follower.Path));
        Assert.Equal(Nodes(leader.Path), Nodes(follower.Path));
        Assert.Equal(20, follower.Store.JobCount);
    }

    [Fact]
    public async Task A_fenced_append_fails_applies_nothing_and_stops_the_appender()
    {
        await using var connection = _nats!.Connect();
        var log = await Replica.OpenLogAsync(new NatsJSContext(connection), 1);
        await using var stale = new Replica(Path.Combine(_dir, "stale"), log);
        await using var current = new Replica(Path.Combine(_dir, "current"), log);
        var staleAppender = stale.Lead();
        await stale.Store.CommitAsync(Submission("j-first", withMessage: false));

        // Another orchestrator catches up and appends: the stale one's view of the log's end is now wrong.
        current.Follow();
        await current.WaitForAsync(staleAppender.LastSequence);
        var currentAppender = new LogAppender(log, current.Store.Writer, current.Follower!.Applied, 512 * 1024, () => true, current.Metrics);
        current.Store.ReplicateThrough(currentAppender);
        await current.Store.CommitAsync(Submission("j-second", withMessage: false));

        await Assert.ThrowsAsync<LogFencedException>(() => stale.Store.CommitAsync(Submission("j-lost", withMessage: true)));

        Assert.True(staleAppender.Fenced.IsCompleted);
        Assert.Null(stale.Store.GetJob("j-lost"));
        Assert.Empty(Outbox(stale.Path));
        await Assert.ThrowsAsync<LogFencedException>(() => stale.Store.SaveNodeAsync(Node("n-1")));
        Assert.Equal(2ul, currentAppender.LastSequence);
        Assert.Equal(2ul, await log.LastSequenceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_entry_that_does_not_follow_the_one_it_expected_is_skipped_by_every_replica()
    {
        await using var connection = _nats!.Connect();
        var jetStream = new NatsJSContext(connection);
        var log = await Replica.OpenLogAsync(jetStream, 1);
        await using var leader = new Replica(Path.Combine(_dir, "leader"), log);
        leader.Lead();
        await leader.Store.CommitAsync(Submission("j-first", withMessage: false));

        // Written past the check (as two appends racing through a stream whose leader just changed can be): it names no entry it follows.
        var rogue = new StateBatch([CommitOperation.From(Submission("j-rogue", withMessage: true))]);
        var ack = await jetStream.PublishAsync(StateLog.Subject, StateLog.Encode(rogue));
        ack.EnsureSuccess();

        await using var follower = new Replica(Path.Combine(_dir, "follower"), log);
        follower.Follow();
        await follower.WaitForAsync(ack.Seq);

        Assert.NotNull(follower.Store.GetJob("j-first"));
        Assert.Null(follower.Store.GetJob("j-rogue"));
        Assert.Empty(Outbox(follower.Path));
        Assert.Equal(ack.Seq, follower.Follower!.Applied);
    }

    private static ChangeSet Submission(string id, bool withMessage)
    {
        var job = new Job
        {
            ID = id,
            Name = id,
            Type = JobTypes.Batch,
            Count = 1,
            State = new State<JobStateType>(JobStateType.Running),
            Version = 1,
            Revision = 2,
            CreateTime = 1_700_000_000_000_000_000,
            ModifyTime = 1_700_000_000_000_000_000,
            Tasks = [new JobTask { Name = "main", Engine = new SpecConfig { Type = "noop" } }],
        };
        var changes = new ChangeSet();
        changes.CreatedJobs.Add(id);
        changes.Jobs.Add(job);
        changes.Executions.Add(new Execution
        {
            ID = $"e-{id}",
            JobID = id,
            Job = job,
            NodeID = "n-1",
            DesiredState = new State<ExecutionDesiredStateType>(ExecutionDesiredStateType.Running),
            ComputeState = new State<ExecutionStateType>(ExecutionStateType.New),
            CreateTime = job.CreateTime,
        });
        changes.History.Add(new JobHistory { Type = JobHistoryType.JobLevel, JobID = id, SeqNum = 1, Event = new JobEvent { Message = "Job submitted", Topic = "Job" } });
        if (withMessage)
        {
            changes.Messages.Add(MessageOutbox.Create("n-1", MessageTypes.HeartbeatRequest, new HeartbeatRequest { NodeID = id }, BacalhauJsonContext.Default.HeartbeatRequest));
        }

        return changes;
    }

    /// <summary>An update of <paramref name="job"/> by name: its next version, the current one kept.</summary>
    private static ChangeSet NewVersion(Job job)
    {
        var changes = new ChangeSet();
        changes.SupersededVersions.Add(job);
        changes.Jobs.Add(job with { Version = job.Version + 1, Revision = job.Revision + 1, Count = job.Count + 1 });
        return changes;
    }

    private static ChangeSet Completion(string id)
    {
        var changes = new ChangeSet();
        changes.Jobs.Add(Submission(id, withMessage: false).Jobs[0] with { State = new State<JobStateType>(JobStateType.Completed), Revision = 3 });
        changes.History.Add(new JobHistory { Type = JobHistoryType.JobLevel, JobID = id, SeqNum = 2, Event = new JobEvent { Message = "done", Topic = "Job" } });
        return changes;
    }

    private static Contracts.Models.NodeState Node(string id) => new()
    {
        Info = new Contracts.Models.NodeInfo { NodeID = id },
        ConnectionState = new Contracts.Models.ConnectionState(),
    };

    /// <summary>Everything of a message that goes into its envelope, bar the source and sequence the outbox adds.</summary>
    private static string Envelope(OutboundMessage message)
    {
        var payload = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(payload))
        {
            message.WritePayload(writer);
        }

        return $"{message.Peer}|{message.Type}|{message.EventTime}|{message.MessageId}|{message.TraceParent}|{System.Text.Encoding.UTF8.GetString(payload.WrittenSpan)}";
    }

    private static List<string> Jobs(SqliteJobStore store) =>
        [.. store.ListJobs(0, 100, reverse: false, JobFilter.All).Select(j => $"{j.ID}:{j.State.StateType}:{j.Revision}")];

    private static List<string> Ids(IReadOnlyList<Execution> executions) => [.. executions.Select(e => $"{e.ID}:{e.ComputeState.StateType}")];

    private static List<string> Outbox(string path) => Rows(path, "SELECT peer || ':' || seq || ':' || hex(envelope) FROM outbox ORDER BY peer, seq");

    private static List<string> Nodes(string path) => Rows(path, "SELECT id || ':' || body FROM nodes ORDER BY id");

    private static List<string> Rows(string path, string sql)
    {
        using var connection = SqliteDatabase.OpenReader(path);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}

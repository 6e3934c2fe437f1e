using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.JobSpecs;
using Bacalhau.Orchestrator.Storage;

namespace Bacalhau.Orchestrator.Tests.Storage;

/// <summary>
/// The job store the orchestrator runs on; all but the memory checks go through <see cref="IJobStore"/>, as the
/// orchestrator does.
/// </summary>
public sealed class SqliteJobStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bacalhau-jobstore-").FullName;

    private string DatabasePath => Path.Combine(_dir, "state.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The store as the orchestrator sees it (public, so that the analyzer does not ask for the concrete type).</summary>
    public IJobStore OpenStore() => Open();

    private SqliteJobStore Open() => new(DatabasePath, "orchestrator");

    private static Job NewJob(string id, long createTime) => new()
    {
        ID = id,
        Name = id,
        Type = JobTypes.Batch,
        Count = 1,
        State = new State<JobStateType>(JobStateType.Pending),
        Version = 1,
        Revision = 1,
        CreateTime = createTime,
        ModifyTime = createTime,
        Tasks = [new JobTask { Name = "main", Engine = new SpecConfig { Type = "noop" } }],
    };

    private static JobHistory History(string jobId, ulong seq, string message) => new()
    {
        Type = JobHistoryType.JobLevel,
        JobID = jobId,
        SeqNum = seq,
        Event = new JobEvent { Message = message, Topic = "Job" },
    };

    private static Execution NewExecution(Job job, string id) => new()
    {
        ID = id,
        JobID = job.ID,
        Job = job,
        NodeID = "n-1",
        DesiredState = new State<ExecutionDesiredStateType>(ExecutionDesiredStateType.Running),
        ComputeState = new State<ExecutionStateType>(ExecutionStateType.New),
        CreateTime = job.CreateTime,
    };

    private static async Task SubmitAsync(IJobStore store, Job job, Execution execution)
    {
        var changes = new ChangeSet();
        changes.CreatedJobs.Add(job.ID);
        changes.Jobs.Add(job with { State = new State<JobStateType>(JobStateType.Running), Revision = job.Revision + 1 });
        changes.Executions.Add(execution);
        changes.History.Add(History(job.ID, 1, "Job submitted"));
        await store.CommitAsync(changes);
    }

    private static async Task CompleteAsync(IJobStore store, Job job, Execution execution)
    {
        var changes = new ChangeSet();
        changes.Jobs.Add(job with { State = new State<JobStateType>(JobStateType.Completed), Revision = job.Revision + 2 });
        changes.Executions.Add(execution with
        {
            ComputeState = new State<ExecutionStateType>(ExecutionStateType.Completed),
            DesiredState = new State<ExecutionDesiredStateType>(ExecutionDesiredStateType.Stopped),
        });
        changes.History.Add(History(job.ID, 2, "done"));
        await store.CommitAsync(changes);
    }

    [Fact]
    public async Task A_finished_job_leaves_memory_and_is_read_back_whole_from_the_database()
    {
        await using var store = Open();
        var job = NewJob("j-5f3e9a", 100);
        var execution = NewExecution(job, "e-1");

        await SubmitAsync(store, job, execution);
        Assert.Equal(1, store.HeldJobCount);
        await CompleteAsync(store, job, execution);

        Assert.Equal(0, store.HeldJobCount);
        Assert.Equal(JobStateType.Completed, store.GetJob("j-5f3e9a")!.State.StateType);
        var stored = Assert.Single(store.GetExecutions("j-5f3e9a"));
        Assert.Equal(ExecutionStateType.Completed, stored.ComputeState.StateType);
        Assert.Equal("j-5f3e9a", stored.Job?.ID);
        Assert.Equal(["Job submitted", "done"], store.GetHistory("j-5f3e9a").Select(h => h.Event.Message));
        Assert.Equal(3UL, store.NextHistorySeq("j-5f3e9a"));
        Assert.Equal("j-5f3e9a", store.FindJobByPrefix("j-5f3e")?.ID);
        Assert.Empty(store.ActiveExecutions());
    }

    [Fact]
    public async Task Listing_pages_through_every_job_in_creation_order_with_the_current_state()
    {
        await using var store = OpenStore();
        for (var i = 0; i < 5; i++)
        {
            var job = NewJob($"j-{i}", 100 + i);
            var execution = NewExecution(job, $"e-{i}");
            await SubmitAsync(store, job, execution);
            if (i % 2 == 0)
            {
                await CompleteAsync(store, job, execution);
            }
        }

        Assert.Equal(5, store.JobCount);
        Assert.Equal(["j-0", "j-1", "j-2"], store.ListJobs(0, 3, reverse: false, JobFilter.All).Select(j => j.ID));
        Assert.Equal(["j-3", "j-4"], store.ListJobs(3, 3, reverse: false, JobFilter.All).Select(j => j.ID));
        Assert.Equal(["j-4", "j-3"], store.ListJobs(0, 2, reverse: true, JobFilter.All).Select(j => j.ID));
        Assert.Equal(
            [JobStateType.Completed, JobStateType.Running, JobStateType.Completed, JobStateType.Running, JobStateType.Completed],
            store.ListJobs(0, 10, reverse: false, JobFilter.All).Select(j => j.State.StateType));
    }

    [Fact]
    public async Task A_filtered_list_pages_through_the_jobs_that_match_by_state_label_and_name()
    {
        await using var store = OpenStore();
        for (var i = 0; i < 6; i++)
        {
            var job = NewJob($"j-{i}", 100 + i) with { Name = i < 3 ? $"etl-{i}" : $"Report-{i}", Labels = new Dictionary<string, string> { ["team"] = i % 2 == 0 ? "a" : "b" } };
            var execution = NewExecution(job, $"e-{i}");
            await SubmitAsync(store, job, execution);
            if (i % 3 == 0)
            {
                await CompleteAsync(store, job, execution);
            }
        }

        Assert.Equal(["j-0", "j-3"], store.ListJobs(0, 10, reverse: false, new JobFilter(State: JobStateType.Completed)).Select(j => j.ID));
        // Offsets count the jobs that match, not every job.
        Assert.Equal(["j-2", "j-4"], store.ListJobs(1, 2, reverse: false, new JobFilter(LabelKey: "team", LabelValue: "a")).Select(j => j.ID));
        Assert.Equal(["j-5", "j-4", "j-3"], store.ListJobs(0, 10, reverse: true, new JobFilter(NameContains: "report")).Select(j => j.ID));
        Assert.Equal(["j-1"], store.ListJobs(0, 10, reverse: false, new JobFilter(JobStateType.Running, "team", "b", "ETL")).Select(j => j.ID));
        Assert.Empty(store.ListJobs(0, 10, reverse: false, new JobFilter(LabelKey: "zone")));
    }

    [Fact]
    public async Task A_label_selector_and_a_namespace_narrow_the_list_in_the_order_asked_for()
    {
        await using var store = OpenStore();
        for (var i = 0; i < 6; i++)
        {
            var labels = new Dictionary<string, string> { ["team"] = i % 2 == 0 ? "a" : "b", ["size"] = $"{i * 5}" };
            if (i == 5)
            {
                labels.Remove("team");
            }

            // Created in reverse ID order, so that ordering by ID and by creation differ.
            var job = NewJob($"j-{5 - i}", 100 + i) with { Namespace = i < 3 ? "one" : "two", Labels = labels };
            await SubmitAsync(store, job, NewExecution(job, $"e-{i}"));
        }

        IEnumerable<string> List(string selector, string? ns = null, JobOrder order = JobOrder.CreatedAt, bool reverse = false) =>
            store.ListJobs(0, 10, reverse, new JobFilter(Namespace: ns, Selector: LabelSelector.Parse(selector)), order).Select(j => j.ID);

        Assert.Equal(["j-5", "j-3", "j-1"], List("team=a"));
        Assert.Equal(["j-5", "j-3", "j-1"], List("team in (a, c)"));
        Assert.Equal(["j-4", "j-2", "j-0"], List("team!=a"));
        Assert.Equal(["j-4", "j-2", "j-0"], List("team notin (a)", order: JobOrder.Id, reverse: true));
        Assert.Equal(["j-0"], List("!team"));
        Assert.Equal(["j-1", "j-2", "j-3", "j-4", "j-5"], List("team", order: JobOrder.Id));
        Assert.Equal(["j-1", "j-0"], List("size>15"));
        Assert.Equal(["j-5", "j-4"], List("size<10"));
        Assert.Equal(["j-4"], List("team=b", ns: "one", order: JobOrder.Id, reverse: true));
        Assert.Equal(["j-2", "j-1", "j-0"], List("", ns: "two"));
        Assert.Empty(List("team=a,team=b"));
    }

    [Fact]
    public async Task A_restart_holds_only_unfinished_jobs_and_keeps_everything_readable()
    {
        var open = NewJob("j-open", 100);
        var done = NewJob("j-done", 200);
        await using (var store = OpenStore())
        {
            await SubmitAsync(store, open, NewExecution(open, "e-open"));
            await SubmitAsync(store, done, NewExecution(done, "e-done"));
            await CompleteAsync(store, done, NewExecution(done, "e-done"));
        }

        await using var reopened = Open();

        Assert.Equal(1, reopened.HeldJobCount);
        Assert.Equal(2, reopened.JobCount);
        Assert.Equal("e-open", Assert.Single(reopened.ActiveExecutions()).ID);
        Assert.Equal(["Job submitted"], reopened.GetHistory("j-open").Select(h => h.Event.Message));
        Assert.Equal(JobStateType.Completed, reopened.GetJob("j-done")!.State.StateType);
        Assert.Equal(["j-open", "j-done"], reopened.ListJobs(0, 10, reverse: false, JobFilter.All).Select(j => j.ID));
    }

    [Fact]
    public async Task A_blocking_read_returns_when_the_job_changes_or_when_the_wait_is_over()
    {
        await using var store = OpenStore();
        var job = NewJob("j-1", 100);
        var execution = NewExecution(job, "e-1");
        await SubmitAsync(store, job, execution);

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var waiting = store.WaitForJobAsync("j-1", store.GetJob("j-1")!.Revision, patience.Token);
        // A change to another job is no change of this one.
        var other = NewJob("j-2", 200);
        await SubmitAsync(store, other, NewExecution(other, "e-2"));
        Assert.False(waiting.IsCompleted);
        await CompleteAsync(store, job, execution);
        var changed = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(JobStateType.Completed, changed!.State.StateType);

        using var shortWait = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var unchanged = await store.WaitForJobAsync("j-1", changed.Revision, shortWait.Token).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(changed.Revision, unchanged!.Revision);
        Assert.Null(await store.WaitForJobAsync("j-missing", 0, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_finished_job_changed_again_is_read_as_changed_not_as_it_last_finished()
    {
        await using var store = Open();
        var job = NewJob("j-again", 100);
        var execution = NewExecution(job, "e-1");
        await SubmitAsync(store, job, execution);
        await CompleteAsync(store, job, execution);
        var finished = store.GetJob("j-again")!;
        Assert.Equal(0, store.HeldJobCount);

        // A rerun: the next version runs again, then finishes again.
        var rerun = finished with { Version = 2, Revision = finished.Revision + 1, State = new State<JobStateType>(JobStateType.Running) };
        var again = new ChangeSet();
        again.Jobs.Add(rerun);
        await store.CommitAsync(again);
        Assert.Equal((JobStateType.Running, rerun.Revision), (store.GetJob("j-again")!.State.StateType, store.GetJob("j-again")!.Revision));

        var done = new ChangeSet();
        done.Jobs.Add(rerun with { State = new State<JobStateType>(JobStateType.Completed), Revision = rerun.Revision + 1 });
        await store.CommitAsync(done);
        Assert.Equal(0, store.HeldJobCount);
        Assert.Equal((JobStateType.Completed, rerun.Revision + 1), (store.GetJob("j-again")!.State.StateType, store.GetJob("j-again")!.Revision));
    }

    [Fact]
    public async Task A_rerun_of_a_finished_job_is_held_again_after_a_restart()
    {
        var job = NewJob("j-rerun", 100);
        var execution = NewExecution(job, "e-1");
        await using (var store = Open())
        {
            await SubmitAsync(store, job, execution);
            await CompleteAsync(store, job, execution);
            var finished = store.GetJob("j-rerun")!;
            var rerun = new ChangeSet();
            rerun.Jobs.Add(finished with { Version = 2, Revision = finished.Revision + 1, State = new State<JobStateType>(JobStateType.Running) });
            await store.CommitAsync(rerun);
        }

        await using var reopened = Open();
        Assert.Equal(["j-rerun"], reopened.OpenJobs().Select(j => j.ID));
    }

    [Fact]
    public async Task A_finished_job_is_found_by_its_name_or_when_it_has_none_by_its_id()
    {
        var named = NewJob("j-named", 100) with { Name = "nightly-report" };
        var nameless = NewJob("j-nameless", 200);
        var elsewhere = NewJob("j-elsewhere", 300) with { Name = "nightly-report", Namespace = "other" };
        await using var store = Open();
        foreach (var job in new[] { named, nameless, elsewhere })
        {
            var execution = NewExecution(job, $"e-{job.ID}");
            await SubmitAsync(store, job, execution);
            await CompleteAsync(store, job, execution);
        }

        Assert.Equal(0, store.HeldJobCount);
        Assert.Equal("j-named", store.FindJobByName("default", "nightly-report")?.ID);
        Assert.Equal("j-elsewhere", store.FindJobByName("other", "nightly-report")?.ID);
        Assert.Equal("j-nameless", store.FindJobByName("default", "j-nameless")?.ID);
        Assert.Null(store.FindJobByName("other", "j-nameless"));
        Assert.Null(store.FindJobByName("default", "j-named"));
    }

    [Fact]
    public async Task A_database_of_the_earlier_schema_is_migrated_with_its_jobs_names_and_history()
    {
        // The tables as they were before: names read through an index on the body; executions, history and
        // evaluations keyed by their random IDs.
        var named = NewJob("j-old-named", 100) with { Name = "old-report", State = new State<JobStateType>(JobStateType.Completed) };
        var open = NewJob("j-old-open", 200) with { State = new State<JobStateType>(JobStateType.Running) };
        using (var connection = Bacalhau.Storage.SqliteDatabase.Open(DatabasePath))
        {
            Bacalhau.Storage.SqliteDatabase.Execute(connection, """
                CREATE TABLE jobs(id TEXT PRIMARY KEY, body TEXT NOT NULL, create_time INTEGER NOT NULL DEFAULT 0, open INTEGER NOT NULL DEFAULT 1);
                CREATE INDEX jobs_by_create_time ON jobs(create_time, id);
                CREATE INDEX open_jobs ON jobs(id) WHERE open = 1;
                CREATE INDEX jobs_by_name ON jobs(json_extract(body, '$.Namespace'), json_extract(body, '$.Name'), create_time);
                CREATE TABLE history(job_id TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY(job_id, seq));
                CREATE TABLE evaluations(id TEXT PRIMARY KEY, job_id TEXT NOT NULL, body TEXT NOT NULL);
                CREATE TABLE executions(id TEXT PRIMARY KEY, job_id TEXT NOT NULL, body TEXT NOT NULL);
                CREATE INDEX executions_by_job ON executions(job_id);
                """);
            foreach (var job in new[] { named, open })
            {
                using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO jobs(id, create_time, open, body) VALUES ($id, $time, $open, $body)";
                insert.Parameters.AddWithValue("$id", job.ID);
                insert.Parameters.AddWithValue("$time", job.CreateTime);
                insert.Parameters.AddWithValue("$open", !job.State.StateType.IsTerminal());
                insert.Parameters.AddWithValue("$body", System.Text.Json.JsonSerializer.Serialize(job, Bacalhau.Contracts.Serialization.BacalhauJsonContext.Default.Job));
                insert.ExecuteNonQuery();
                using var execution = connection.CreateCommand();
                execution.CommandText = "INSERT INTO executions(id, job_id, body) VALUES ($id, $job, $body)";
                execution.Parameters.AddWithValue("$id", $"e-{job.ID}");
                execution.Parameters.AddWithValue("$job", job.ID);
                execution.Parameters.AddWithValue("$body", System.Text.Json.JsonSerializer.Serialize(NewExecution(job, $"e-{job.ID}") with { Job = null }, Bacalhau.Contracts.Serialization.BacalhauJsonContext.Default.Execution));
                execution.ExecuteNonQuery();
                foreach (var seq in new ulong[] { 1, 2 })
                {
                    using var history = connection.CreateCommand();
                    history.CommandText = "INSERT INTO history(job_id, seq, body) VALUES ($job, $seq, $body)";
                    history.Parameters.AddWithValue("$job", job.ID);
                    history.Parameters.AddWithValue("$seq", (long)seq);
                    history.Parameters.AddWithValue("$body", System.Text.Json.JsonSerializer.Serialize(History(job.ID, seq, $"{job.ID} {seq}"), Bacalhau.Contracts.Serialization.BacalhauJsonContext.Default.JobHistory));
                    history.ExecuteNonQuery();
                }
            }
        }

        await using (var store = Open())
        {
            Assert.Equal("j-old-named", store.FindJobByName("default", "old-report")?.ID);
            Assert.Equal(["j-old-open"], store.OpenJobs().Select(j => j.ID));
            // The finished job's history is read from the database, the open one's was loaded into memory.
            Assert.Equal(["j-old-named 1", "j-old-named 2"], store.GetHistory("j-old-named").Select(h => h.Event.Message));
            Assert.Equal(["j-old-open 1", "j-old-open 2"], store.GetHistory("j-old-open").Select(h => h.Event.Message));
            Assert.Equal(3UL, store.NextHistorySeq("j-old-open"));
            Assert.Equal(["e-j-old-named"], store.GetExecutions("j-old-named").Select(e => e.ID));
            Assert.Equal(["e-j-old-open"], store.ActiveExecutions().Select(e => e.ID));
        }

        using var check = Bacalhau.Storage.SqliteDatabase.Open(DatabasePath);
        using var indexes = check.CreateCommand();
        indexes.CommandText = "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'jobs' AND sql IS NOT NULL ORDER BY name)";
        Assert.Equal("jobs_by_create_time named_jobs open_jobs_by_create_time", indexes.ExecuteScalar());
    }
}

using Bacalhau.Contracts.Models.Jobs;

namespace Bacalhau.Orchestrator.Storage;

/// <summary>
/// The last jobs that finished, as committed, kept after they leave memory: whoever followed a job asks for it once
/// more right after it ends, and this answers without reading the database. Bounded, oldest out first; not
/// thread-safe (the store's lock guards it).
/// </summary>
internal sealed class FinishedJobs(int capacity)
{
    private readonly Dictionary<string, Job> _jobs = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public void Add(Job job)
    {
        if (_jobs.TryAdd(job.ID, job))
        {
            _order.Enqueue(job.ID);
            if (_order.Count > capacity)
            {
                _jobs.Remove(_order.Dequeue());
            }
        }
        else
        {
            _jobs[job.ID] = job;
        }
    }

    public Job? Find(string id) => _jobs.GetValueOrDefault(id);
}

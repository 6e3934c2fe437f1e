using Bacalhau.Contracts.Models.Jobs;
using Bacalhau.Contracts.Serialization;
using Bacalhau.JobSpecs;
using Bacalhau.Orchestrator.Jobs;
using Bacalhau.Orchestrator.Scheduling;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace Bacalhau.Orchestrator.Api;

/// <summary>
/// What every submission endpoint does to a spec before the coordinator sees it: an ID, the defaults, the rules, and
/// the bounds that keep one request from wedging a node's message stream or the orchestrator's memory.
/// </summary>
internal sealed class JobSubmissions(IOptions<SchedulerOptions> scheduler, IOptions<JobDefaultsOptions> jobDefaults, INatsConnection nats)
{
    /// <summary>NATS's own default, for when the server has not said yet.</summary>
    private const long DefaultMaxPayload = 1024 * 1024;

    /// <summary>The rest of an AskForBidRequest around its job, at most: the execution's fields, the envelope, the headers.</summary>
    private const int MessageReserve = 16 * 1024;

    /// <summary>Bytes of AskForBid messages one job may put in the outbox, all its executions together.</summary>
    private const long MaxMessageBytesPerJob = 64L * 1024 * 1024;

    /// <summary>Written out again, a body grows at most six-fold (a character escaped as \uXXXX): smaller ones need no measuring.</summary>
    private const int MaxExpansion = 6;

    /// <summary>
    /// Gives <paramref name="spec"/> a new ID and its defaults; false, with every problem in <paramref name="error"/>,
    /// when it is not valid or too large. <paramref name="bodyLength"/> is the size of the request it came in, if known.
    /// </summary>
    public bool TryPrepare(Job spec, long? bodyLength, out Job job, out string error)
    {
        // The configured defaults (JobDefaults.*) first, then the built-in ones, which also spell the publisher's type.
        job = JobSubmission.Prepare(jobDefaults.Value.Apply(spec), JobSubmission.NewJobId(), scheduler.Value.MaxCount, out var errors);
        if (errors.Count > 0)
        {
            error = string.Join("; ", errors);
            return false;
        }

        error = MessageSizeProblem(job, bodyLength) ?? "";
        return error.Length == 0;
    }

    private string? MessageSizeProblem(Job job, long? bodyLength)
    {
        var maxPayload = nats.ServerInfo?.MaxPayload is > 0 and var announced ? announced : DefaultMaxPayload;
        // A batch job's partitions are placed in waves: no more than a wave's messages are queued at once.
        var executions = Math.Min(Math.Max(job.Count, 1), job.Type == JobTypes.Batch ? JobScheduler.MaxInFlight : int.MaxValue);
        // Measuring writes the whole job out; the small jobs that make up nearly all traffic cannot be too large.
        if (bodyLength is { } length && (length * MaxExpansion) + MessageReserve <= Math.Min(maxPayload, MaxMessageBytesPerJob / executions))
        {
            return null;
        }

        var size = JsonSize.Of(job, BacalhauJsonContext.Default.Job);
        if (size + MessageReserve > maxPayload)
        {
            return $"Job: {size} bytes written out, too large for the NATS message that carries it to a compute node " +
                $"(at most {maxPayload - MessageReserve} bytes with this server's max payload of {maxPayload}); shorten its largest fields";
        }

        return (size + MessageReserve) * executions > MaxMessageBytesPerJob
            ? $"Count: {executions} executions of a {size}-byte job would queue more than {MaxMessageBytesPerJob / (1024 * 1024)} MiB of messages to compute nodes; ask for fewer or make the spec smaller"
            : null;
    }
}

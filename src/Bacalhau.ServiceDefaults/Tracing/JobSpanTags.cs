using System.Diagnostics;
using Bacalhau.Contracts.Protocol;
using NATS.Client.Core;
using OpenTelemetry;

namespace Bacalhau.ServiceDefaults.Tracing;

/// <summary>
/// Gives every span of a job its job and execution ID, so that the dashboard's filter finds them all: a span without
/// them takes those of its nearest ancestor in this process (a NATS publish under a send, a container call under an
/// execution), a span that has them hands them to its parent if that has none (the API request that submitted the
/// job), and a NATS span takes those an ordered message carries in its headers.
/// </summary>
internal sealed class JobSpanTags : BaseProcessor<Activity>
{
    // Job and execution IDs are short; a longer header from a peer is not taken into a span.
    private const int MaxIdLength = 128;

    public override void OnEnd(Activity data)
    {
        if (data.GetTagItem(JobTrace.JobIdTag) is null)
        {
            for (var ancestor = data.Parent; ancestor is not null; ancestor = ancestor.Parent)
            {
                if (ancestor.GetTagItem(JobTrace.JobIdTag) is not null)
                {
                    CopyIds(ancestor, data);
                    return;
                }
            }
        }
        else if (data.Parent is { } parent && parent.GetTagItem(JobTrace.JobIdTag) is null)
        {
            // The request that submitted a job learns its ID from the span that made it; it ends later, and so passes it on up.
            CopyIds(data, parent);
        }
    }

    private static void CopyIds(Activity from, Activity to)
    {
        to.SetTag(JobTrace.JobIdTag, from.GetTagItem(JobTrace.JobIdTag));
        to.SetTag(JobTrace.ExecutionIdTag, from.GetTagItem(JobTrace.ExecutionIdTag));
    }

    /// <summary>Tags a NATS publish or receive span with the IDs its message's headers name.</summary>
    public static void EnrichNatsSpan(Activity activity, NatsHeaders? headers)
    {
        if (headers is null)
        {
            return;
        }

        foreach (var (header, tag) in (ReadOnlySpan<(string, string)>)[(JobTrace.JobIdHeader, JobTrace.JobIdTag), (JobTrace.ExecutionIdHeader, JobTrace.ExecutionIdTag)])
        {
            if (headers.TryGetValue(header, out var value) && value.Count == 1 && value[0] is { Length: > 0 and <= MaxIdLength } id)
            {
                activity.SetTag(tag, id);
            }
        }
    }
}

using System.Globalization;

namespace Bacalhau.Client;

/// <summary>The paging and order of a list, as Bacalhau's list requests carry them: <c>limit</c>, <c>next_token</c>, <c>order_by</c>, <c>reverse</c>.</summary>
public record ListQuery
{
    public int? Limit { get; init; }
    public string? NextToken { get; init; }
    public string? OrderBy { get; init; }
    public bool Reverse { get; init; }

    /// <summary>The query parameters; unset ones are left out.</summary>
    public virtual IEnumerable<(string Name, string? Value)> Parameters() =>
    [
        ("limit", Limit?.ToString(CultureInfo.InvariantCulture)),
        ("next_token", NextToken),
        ("order_by", OrderBy),
        ("reverse", Reverse ? "true" : null),
    ];
}

/// <summary>A job list's filters: <c>namespace</c>, <c>labels</c> (a label selector), <c>state</c>.</summary>
public sealed record JobListQuery : ListQuery
{
    public string? Namespace { get; init; }
    public string? Labels { get; init; }
    public string? State { get; init; }

    public override IEnumerable<(string Name, string? Value)> Parameters() =>
        [.. base.Parameters(), ("namespace", Namespace), ("labels", Labels), ("state", State)];
}

/// <summary>A node list's filters, named as Bacalhau's: <c>labels</c>, <c>filter-approval</c>, <c>filter-status</c>.</summary>
public sealed record NodeListQuery : ListQuery
{
    public string? Labels { get; init; }
    public string? FilterApproval { get; init; }
    public string? FilterStatus { get; init; }

    public override IEnumerable<(string Name, string? Value)> Parameters() =>
        [.. base.Parameters(), ("labels", Labels), ("filter-approval", FilterApproval), ("filter-status", FilterStatus)];
}

/// <summary>A job history's filters: <c>event_type</c> (all, job, execution) and <c>execution_id</c>.</summary>
public sealed record HistoryQuery : ListQuery
{
    public string? EventType { get; init; }
    public string? ExecutionId { get; init; }

    public override IEnumerable<(string Name, string? Value)> Parameters() =>
        [.. base.Parameters(), ("event_type", EventType), ("execution_id", ExecutionId)];
}

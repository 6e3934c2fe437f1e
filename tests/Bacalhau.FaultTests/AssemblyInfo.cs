// Each case runs a whole cluster on a small machine: one at a time, so that they measure faults, not contention.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

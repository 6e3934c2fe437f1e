namespace Bacalhau.Compute.Nodes.Gpus;

/// <summary>One GPU of this machine as <c>nvidia-smi</c> reports it: its index, model name and memory in MiB.</summary>
public sealed record GpuDevice(int Index, string Name, long MemoryMiB);

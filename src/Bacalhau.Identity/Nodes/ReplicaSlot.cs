namespace Bacalhau.Identity.Nodes;

/// <summary>
/// Lets identical replicas share one data directory: each claims the lowest free numbered subdirectory and
/// holds an exclusive lock on it while it lives. A restarted replica takes a free slot back, so the set of
/// node IDs in a cluster stays the same across restarts instead of growing with every start.
/// </summary>
public sealed class ReplicaSlot : IDisposable
{
    private const int MaxSlots = 4096;
    private readonly FileStream _lock;

    private ReplicaSlot(string directory, FileStream lockFile)
    {
        Directory = directory;
        _lock = lockFile;
    }

    public string Directory { get; }

    public static ReplicaSlot Claim(string parent)
    {
        ArgumentException.ThrowIfNullOrEmpty(parent);
        for (var slot = 0; slot < MaxSlots; slot++)
        {
            var directory = Path.Combine(parent, "replicas", slot.ToString(System.Globalization.CultureInfo.InvariantCulture));
            System.IO.Directory.CreateDirectory(directory);
            try
            {
                // FileShare.None takes an exclusive advisory lock that the OS drops when the process dies.
                var lockFile = new FileStream(Path.Combine(directory, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return new ReplicaSlot(directory, lockFile);
            }
            catch (IOException)
            {
                // Held by a live replica: try the next slot.
            }
        }

        throw new InvalidOperationException($"all {MaxSlots} replica slots under '{parent}' are in use");
    }

    public void Dispose() => _lock.Dispose();
}

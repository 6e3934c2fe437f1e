using System.Text;

namespace Bacalhau.Compute.Executors.Wasm;

/// <summary>Reads back what a run wrote to a stdout or stderr file, up to a cap, as Bacalhau reports it.</summary>
internal static class CapturedOutput
{
    public const int MaxBytes = 1024 * 1024;

    public static async Task<(string Text, bool Truncated)> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return ("", false);
        }

        await using var file = File.OpenRead(path);
        var buffer = new byte[(int)Math.Min(file.Length, MaxBytes)];
        await file.ReadExactlyAsync(buffer, cancellationToken);
        return (Encoding.UTF8.GetString(buffer), file.Length > MaxBytes);
    }
}

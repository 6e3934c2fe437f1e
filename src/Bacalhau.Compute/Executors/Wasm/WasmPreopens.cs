namespace Bacalhau.Compute.Executors.Wasm;

/// <summary>A host directory the module sees at <paramref name="GuestPath"/>.</summary>
internal sealed record Preopen(string HostPath, string GuestPath, bool Writable);

/// <summary>
/// Maps an execution's inputs and result paths onto WASI preopened directories. WASI can only preopen
/// directories, so a file input appears inside a directory at its target's parent: the file's own staging
/// directory when it holds nothing else, otherwise a copy next to the other files that share that parent.
/// </summary>
internal static class WasmPreopens
{
    public static IReadOnlyList<Preopen> For(ExecutionRequest request, string scratchDirectory)
    {
        var preopens = new List<Preopen>();
        foreach (var input in request.Inputs.Where(i => Directory.Exists(i.HostPath)))
        {
            preopens.Add(new Preopen(input.HostPath, GuestPath(input.Target), Writable: false));
        }

        var files = request.Inputs.Where(i => File.Exists(i.HostPath)).GroupBy(i => ParentOf(GuestPath(i.Target)), StringComparer.Ordinal);
        var merged = 0;
        foreach (var group in files)
        {
            var members = group.ToList();
            if (members is [var only] && HoldsOnly(only))
            {
                preopens.Add(new Preopen(Path.GetDirectoryName(only.HostPath)!, group.Key, Writable: false));
                continue;
            }

            var directory = Directory.CreateDirectory(Path.Combine(scratchDirectory, "mounts", (merged++).ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName;
            foreach (var member in members)
            {
                File.Copy(member.HostPath, Path.Combine(directory, NameOf(member.Target)), overwrite: true);
            }

            preopens.Add(new Preopen(directory, group.Key, Writable: false));
        }

        preopens.AddRange(request.Results.Select(r => new Preopen(r.HostPath, GuestPath(r.Path), Writable: true)));
        return preopens;
    }

    /// <summary>Whether the file sits alone in its directory under the name the module expects, so that directory can be shared as is.</summary>
    private static bool HoldsOnly(MountedInput input) =>
        Path.GetFileName(input.HostPath) == NameOf(input.Target)
        && Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(input.HostPath)!).Take(2).Count() == 1;

    private static string GuestPath(string path) => "/" + path.Trim().Trim('/');

    private static string NameOf(string target) => Inputs.InputStager.SafeFileName(Path.GetFileName(target.TrimEnd('/')), "input");

    private static string ParentOf(string guestPath)
    {
        var slash = guestPath.LastIndexOf('/');
        return slash <= 0 ? "/" : guestPath[..slash];
    }
}

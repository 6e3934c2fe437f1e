namespace Bacalhau.Compute.Tests.Executors.Wasm;

/// <summary>Small WASI preview 1 programs, written in WebAssembly text.</summary>
public static class WatModules
{
    private const string Wasi = "wasi_snapshot_preview1";

    /// <summary>Writes "hello from wat\n" to stdout.</summary>
    public const string Hello = $$"""
        (module
          (import "{{Wasi}}" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (data (i32.const 64) "hello from wat\n")
          (func (export "_start")
            (i32.store (i32.const 0) (i32.const 64))
            (i32.store (i32.const 4) (i32.const 15))
            (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
        """;

    /// <summary>Writes "oops" to stderr and exits with 3 through proc_exit.</summary>
    public const string ExitThree = $$"""
        (module
          (import "{{Wasi}}" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (import "{{Wasi}}" "proc_exit" (func $proc_exit (param i32)))
          (memory (export "memory") 1)
          (data (i32.const 64) "oops")
          (func (export "_start")
            (i32.store (i32.const 0) (i32.const 64))
            (i32.store (i32.const 4) (i32.const 4))
            (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8)))
            (call $proc_exit (i32.const 3))))
        """;

    /// <summary>Prints its argv (NUL-separated, as args_get lays it out).</summary>
    public const string PrintArgs = $$"""
        (module
          (import "{{Wasi}}" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
          (import "{{Wasi}}" "args_get" (func $args (param i32 i32) (result i32)))
          (import "{{Wasi}}" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (func (export "_start")
            (drop (call $sizes (i32.const 0) (i32.const 4)))
            (drop (call $args (i32.const 256) (i32.const 1024)))
            (i32.store (i32.const 16) (i32.const 1024))
            (i32.store (i32.const 20) (i32.load (i32.const 4)))
            (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))))
        """;

    /// <summary>
    /// Reads "x.txt" from the preopened directory <paramref name="inputFd"/>, echoes it to stdout and writes it to
    /// "copy.txt" in <paramref name="outputFd"/>. A failing call exits with 50 + its errno. Preopens are numbered from
    /// 3 in the order they are configured.
    /// </summary>
    public static string CopyInput(int inputFd, int outputFd) => $$"""
        (module
          (import "{{Wasi}}" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
          (import "{{Wasi}}" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
          (import "{{Wasi}}" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (import "{{Wasi}}" "proc_exit" (func $proc_exit (param i32)))
          (memory (export "memory") 1)
          (data (i32.const 64) "x.txt")
          (data (i32.const 80) "copy.txt")
          (func $check (param $errno i32)
            (if (local.get $errno) (then (call $proc_exit (i32.add (i32.const 50) (local.get $errno))))))
          (func (export "_start")
            ;; open x.txt for reading (rights: fd_read)
            (call $check (call $path_open (i32.const {{inputFd}}) (i32.const 0) (i32.const 64) (i32.const 5) (i32.const 0)
              (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 32)))
            ;; read up to 4096 bytes into 1024
            (i32.store (i32.const 0) (i32.const 1024))
            (i32.store (i32.const 4) (i32.const 4096))
            (call $check (call $fd_read (i32.load (i32.const 32)) (i32.const 0) (i32.const 1) (i32.const 36)))
            (i32.store (i32.const 4) (i32.load (i32.const 36)))
            (call $check (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 40)))
            ;; create copy.txt (oflags: creat) for writing (rights: fd_write)
            (call $check (call $path_open (i32.const {{outputFd}}) (i32.const 0) (i32.const 80) (i32.const 8) (i32.const 1)
              (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 44)))
            (call $check (call $fd_write (i32.load (i32.const 44)) (i32.const 0) (i32.const 1) (i32.const 40)))))
        """;

    /// <summary>Never returns.</summary>
    public const string Spin = """
        (module
          (func (export "_start")
            (loop $forever (br $forever))))
        """;

    /// <summary>Hits an unreachable instruction.</summary>
    public const string Trap = """
        (module
          (func (export "_start") unreachable))
        """;
}

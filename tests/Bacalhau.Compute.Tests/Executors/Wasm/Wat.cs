using System.Runtime.InteropServices;
using System.Text;

namespace Bacalhau.Compute.Tests.Executors.Wasm;

/// <summary>
/// Turns WebAssembly text into a binary module with the converter in Wasmtime's native library, so tests can
/// write their modules as readable text and still hand the executor the binary a real job carries.
/// </summary>
public static unsafe partial class Wat
{
    private const string Library = "wasmtime";

    public static byte[] ToWasm(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        ByteVector result;
        nint error;
        fixed (byte* source = utf8)
        {
            error = Wat2Wasm(source, (nuint)utf8.Length, &result);
        }

        if (error != 0)
        {
            ByteVector message;
            ErrorMessage(error, &message);
            var reason = Encoding.UTF8.GetString(message.Data, (int)message.Size);
            ByteVectorDelete(&message);
            ErrorDelete(error);
            throw new ArgumentException($"invalid WAT: {reason}", nameof(text));
        }

        var bytes = new ReadOnlySpan<byte>(result.Data, (int)result.Size).ToArray();
        ByteVectorDelete(&result);
        return bytes;
    }

    /// <summary>The module as an inline source's <c>data:</c> URL.</summary>
    public static string ToDataUrl(string text) => "data:application/wasm;base64," + Convert.ToBase64String(ToWasm(text));

    [StructLayout(LayoutKind.Sequential)]
    private struct ByteVector
    {
        public nuint Size;
        public byte* Data;
    }

    [LibraryImport(Library, EntryPoint = "wasmtime_wat2wasm")]
    private static partial nint Wat2Wasm(byte* wat, nuint length, ByteVector* result);

    [LibraryImport(Library, EntryPoint = "wasmtime_error_message")]
    private static partial void ErrorMessage(nint error, ByteVector* message);

    [LibraryImport(Library, EntryPoint = "wasmtime_error_delete")]
    private static partial void ErrorDelete(nint error);

    [LibraryImport(Library, EntryPoint = "wasm_byte_vec_delete")]
    private static partial void ByteVectorDelete(ByteVector* vector);
}

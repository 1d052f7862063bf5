namespace LoadBalancer.Bpf.Interop;

/// <summary>
/// Routes libbpf's own messages (warnings about the object, map and program setup) to a
/// sink of the host's choosing instead of libbpf's default, stderr.
/// </summary>
public static unsafe class LibbpfLog
{
    private static Action<LibbpfLogLevel, string>? s_sink;

    /// <summary>Sends every later libbpf message to <paramref name="sink"/>; null silences libbpf.</summary>
    public static void SetSink(Action<LibbpfLogLevel, string>? sink)
    {
        s_sink = sink;
        LbShim.lbshim_set_log(sink is null ? null : &OnMessage);
    }

    [UnmanagedCallersOnly]
    private static void OnMessage(int level, byte* message)
    {
        // An exception must not escape into libbpf's C frames: that would end the process.
        try
        {
            var text = Marshal.PtrToStringUTF8((nint)message)?.TrimEnd('\n');
            if (!string.IsNullOrEmpty(text))
            {
                s_sink?.Invoke((LibbpfLogLevel)level, text);
            }
        }
        catch (Exception)
        {
            // A broken sink loses this message only.
        }
    }
}

namespace LoadBalancer.Bpf.Interop;

/// <summary>libbpf's <c>enum libbpf_print_level</c>.</summary>
public enum LibbpfLogLevel
{
    /// <summary>LIBBPF_WARN.</summary>
    Warning = 0,

    /// <summary>LIBBPF_INFO.</summary>
    Info = 1,

    /// <summary>LIBBPF_DEBUG.</summary>
    Debug = 2,
}

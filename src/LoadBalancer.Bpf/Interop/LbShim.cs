namespace LoadBalancer.Bpf.Interop;

/// <summary>native/lbshim: forwards libbpf's va_list print callback as finished strings.</summary>
internal static unsafe partial class LbShim
{
    private const string Lib = "lbshim";

    [LibraryImport(Lib)]
    internal static partial void lbshim_set_log(delegate* unmanaged<int, byte*, void> fn);
}

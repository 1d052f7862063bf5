namespace LoadBalancer.Bpf.Interop;

/// <summary>Mirrors libbpf 1.1 <c>struct bpf_object_open_opts</c> (libbpf.h); the layout test checks it.</summary>
[StructLayout(LayoutKind.Explicit, Size = 80)]
internal unsafe struct BpfObjectOpenOpts
{
    [FieldOffset(0)] public nuint Sz;
    [FieldOffset(8)] public byte* ObjectName;
    [FieldOffset(16)] public byte RelaxedMaps;
    [FieldOffset(24)] public byte* PinRootPath;
    [FieldOffset(40)] public byte* Kconfig;
    [FieldOffset(48)] public byte* BtfCustomPath;
    [FieldOffset(56)] public byte* KernelLogBuf;
    [FieldOffset(64)] public nuint KernelLogSize;
    [FieldOffset(72)] public uint KernelLogLevel;
}

namespace LoadBalancer.Bpf.Interop;

/// <summary>Mirrors the head of UAPI <c>struct bpf_prog_info</c> (232 bytes in the 6.1 headers).</summary>
[StructLayout(LayoutKind.Explicit, Size = 232)]
internal unsafe struct BpfProgInfo
{
    [FieldOffset(0)] public uint Type;
    [FieldOffset(4)] public uint Id;
    [FieldOffset(8)] public fixed byte Tag[8];
}

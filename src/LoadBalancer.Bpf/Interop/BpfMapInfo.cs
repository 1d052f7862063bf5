namespace LoadBalancer.Bpf.Interop;

/// <summary>Mirrors the head of UAPI <c>struct bpf_map_info</c>, as filled by BPF_OBJ_GET_INFO_BY_FD.</summary>
[StructLayout(LayoutKind.Explicit, Size = 88)]
internal unsafe struct BpfMapInfo
{
    [FieldOffset(0)] public uint Type;
    [FieldOffset(4)] public uint Id;
    [FieldOffset(8)] public uint KeySize;
    [FieldOffset(12)] public uint ValueSize;
    [FieldOffset(16)] public uint MaxEntries;
    [FieldOffset(20)] public uint MapFlags;
    [FieldOffset(24)] public fixed byte Name[16];
}

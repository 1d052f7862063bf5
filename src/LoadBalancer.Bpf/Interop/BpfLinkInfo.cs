namespace LoadBalancer.Bpf.Interop;

/// <summary>Mirrors the head of UAPI <c>struct bpf_link_info</c> for an XDP link (48 bytes in the 6.1 headers).</summary>
[StructLayout(LayoutKind.Explicit, Size = 48)]
internal struct BpfLinkInfo
{
    [FieldOffset(0)] public uint Type;
    [FieldOffset(4)] public uint Id;
    [FieldOffset(8)] public uint ProgId;
    [FieldOffset(16)] public uint XdpIfindex;
}

namespace LoadBalancer.Bpf.Interop;

/// <summary>Mirrors the head of libbpf 1.1 <c>struct bpf_link_create_opts</c> (bpf.h, 64 bytes); the layout test checks it.</summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal struct BpfLinkCreateOpts
{
    [FieldOffset(0)] public nuint Sz;
    [FieldOffset(8)] public uint Flags;
}

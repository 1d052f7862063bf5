namespace LoadBalancer.Bpf.Interop;

/// <summary>Mirrors UAPI <c>struct xdp_md</c>, the context passed to BPF_PROG_TEST_RUN.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct XdpMd
{
    public uint Data;
    public uint DataEnd;
    public uint DataMeta;
    public uint IngressIfindex;
    public uint RxQueueIndex;
    public uint EgressIfindex;
}

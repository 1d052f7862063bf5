namespace LoadBalancer.Bpf.Interop;

/// <summary>Mirrors libbpf 1.1 <c>struct bpf_test_run_opts</c> (bpf.h); the layout test checks it.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct BpfTestRunOpts
{
    public nuint Sz;
    public void* DataIn;
    public void* DataOut;
    public uint DataSizeIn;
    public uint DataSizeOut;
    public void* CtxIn;
    public void* CtxOut;
    public uint CtxSizeIn;
    public uint CtxSizeOut;
    public uint Retval;
    public int Repeat;
    public uint Duration;
    public uint Flags;
    public uint Cpu;
    public uint BatchSize;
}

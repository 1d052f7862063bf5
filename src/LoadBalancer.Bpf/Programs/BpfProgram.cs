using LoadBalancer.Bpf.Handles;
using LoadBalancer.Bpf.Interop;

namespace LoadBalancer.Bpf.Programs;

/// <summary>A loaded BPF program: its owned fd, attachable and runnable with BPF_PROG_TEST_RUN.</summary>
public sealed unsafe class BpfProgram : IDisposable
{
    internal BpfProgram(SafeFdHandle handle, string name)
    {
        Handle = handle;
        Name = name;
    }

    /// <summary>The function name in the object, e.g. <c>lb_xdp_ingress</c>.</summary>
    public string Name { get; }

    /// <summary>The owned fd.</summary>
    public SafeFdHandle Handle { get; }

    /// <summary>The kernel's id for the program, as bpftool and <c>ip link</c> show it.</summary>
    public uint Id
    {
        get
        {
            var info = default(BpfProgInfo);
            var len = (uint)sizeof(BpfProgInfo);
            BpfException.ThrowIfNegative(Libbpf.bpf_obj_get_info_by_fd(Handle.Fd, &info, &len), "bpf_obj_get_info_by_fd", Name);
            return info.Id;
        }
    }

    /// <summary>Opens the program pinned at <paramref name="path"/>.</summary>
    public static BpfProgram OpenPinned(string path, string name)
        => new(new SafeFdHandle(BpfException.ThrowIfNegative(Libbpf.bpf_obj_get(path), "bpf_obj_get", path)), name);

    /// <summary>Pins the program at <paramref name="path"/> on bpffs.</summary>
    public void Pin(string path)
        => BpfException.ThrowIfNegative(Libbpf.bpf_obj_pin(Handle.Fd, path), "bpf_obj_pin", $"{Name} at {path}");

    /// <summary>
    /// Runs the program once on <paramref name="packet"/> (repeat = 1: with more repeats the kernel
    /// reuses the modified buffer). The frame as the program left it goes to <paramref name="output"/>.
    /// </summary>
    /// <param name="packet">The frame, from the Ethernet header on.</param>
    /// <param name="output">Receives the resulting frame; give room for added headers.</param>
    /// <param name="ingressIfindex">The device the frame seems to arrive on, in the calling thread's
    /// network namespace; 0 = the namespace's loopback.</param>
    public XdpRunResult TestRun(ReadOnlySpan<byte> packet, Span<byte> output, int ingressIfindex = 0)
    {
        var ctx = new XdpMd { DataEnd = (uint)packet.Length, IngressIfindex = (uint)ingressIfindex };
        fixed (byte* input = packet)
        fixed (byte* result = output)
        {
            var opts = new BpfTestRunOpts
            {
                Sz = (nuint)sizeof(BpfTestRunOpts),
                DataIn = input,
                DataSizeIn = (uint)packet.Length,
                DataOut = result,
                DataSizeOut = (uint)output.Length,
                Repeat = 1,
            };
            if (ingressIfindex != 0)
            {
                opts.CtxIn = &ctx;
                opts.CtxSizeIn = (uint)sizeof(XdpMd);
            }
            BpfException.ThrowIfNegative(Libbpf.bpf_prog_test_run_opts(Handle.Fd, &opts), "bpf_prog_test_run_opts", Name);
            return new XdpRunResult((XdpAction)opts.Retval, (int)opts.DataSizeOut, opts.Duration);
        }
    }

    /// <summary>Runs the program once and returns the action and the resulting frame.</summary>
    public (XdpAction Action, byte[] Output) TestRun(ReadOnlySpan<byte> packet, int ingressIfindex = 0)
    {
        var output = new byte[packet.Length + 512];
        var result = TestRun(packet, output, ingressIfindex);
        return (result.Action, output[..result.OutputLength]);
    }

    /// <inheritdoc/>
    public void Dispose() => Handle.Dispose();
}

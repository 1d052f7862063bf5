using LoadBalancer.Bpf.Handles;
using LoadBalancer.Bpf.Interop;

namespace LoadBalancer.Bpf.Programs;

/// <summary>
/// An XDP program attached to a device through a BPF link. Closing an unpinned link detaches
/// the program; a pinned link stays attached (and can be found again) until <see cref="Detach"/>.
/// </summary>
public sealed unsafe class XdpLink : IDisposable
{
    private const uint BpfXdp = 37; // enum bpf_attach_type BPF_XDP
    private const uint XdpFlagsSkbMode = 1 << 1;

    private XdpLink(SafeFdHandle handle, int ifindex, string program)
    {
        Handle = handle;
        Ifindex = ifindex;
        Program = program;
    }

    /// <summary>The link fd.</summary>
    public SafeFdHandle Handle { get; }

    /// <summary>The device, in the namespace the link was created from.</summary>
    public int Ifindex { get; }

    /// <summary>The attached program's name.</summary>
    public string Program { get; }

    /// <summary>
    /// Attaches <paramref name="program"/> to device <paramref name="ifindex"/>, which is looked up in
    /// the calling thread's network namespace. Native (driver) mode unless <paramref name="mode"/> says generic.
    /// </summary>
    public static XdpLink Attach(BpfProgram program, int ifindex, XdpMode mode = XdpMode.Native)
    {
        var opts = new BpfLinkCreateOpts { Sz = (nuint)sizeof(BpfLinkCreateOpts), Flags = mode == XdpMode.Generic ? XdpFlagsSkbMode : 0 };
        var fd = Libbpf.bpf_link_create(program.Handle.Fd, ifindex, BpfXdp, &opts);
        return new XdpLink(new SafeFdHandle(BpfException.ThrowIfNegative(fd, "bpf_link_create(BPF_XDP)", $"{program.Name} on ifindex {ifindex}")), ifindex, program.Name);
    }

    /// <summary>Opens the link pinned at <paramref name="path"/>.</summary>
    public static XdpLink OpenPinned(string path, int ifindex, string program)
        => new(new SafeFdHandle(BpfException.ThrowIfNegative(Libbpf.bpf_obj_get(path), "bpf_obj_get", path)), ifindex, program);

    /// <summary>Pins the link at <paramref name="path"/>: the program stays attached after this process exits.</summary>
    public void Pin(string path)
        => BpfException.ThrowIfNegative(Libbpf.bpf_obj_pin(Handle.Fd, path), "bpf_obj_pin", $"link of {Program} at {path}");

    /// <summary>Detaches the program now, pinned or not.</summary>
    public void Detach()
        => BpfException.ThrowIfNegative(Libbpf.bpf_link_detach(Handle.Fd), "bpf_link_detach", $"{Program} on ifindex {Ifindex}");

    /// <inheritdoc/>
    public void Dispose() => Handle.Dispose();
}

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

    /// <summary>Opens the link pinned at <paramref name="path"/>; its device comes from the kernel (0 once the device is gone).</summary>
    public static XdpLink OpenPinned(string path, string program)
    {
        var handle = new SafeFdHandle(BpfException.ThrowIfNegative(Libbpf.bpf_obj_get(path), "bpf_obj_get", path));
        try
        {
            return new XdpLink(handle, (int)Info(handle, path).XdpIfindex, program);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The id of the program the link runs now.</summary>
    public uint ProgramId => Info(Handle, Program).ProgId;

    /// <summary>Whether the link still holds a device: the program is attached.</summary>
    public bool IsAttached => Info(Handle, Program).XdpIfindex != 0;

    private static BpfLinkInfo Info(SafeFdHandle handle, string what)
    {
        var info = default(BpfLinkInfo);
        var len = (uint)sizeof(BpfLinkInfo);
        BpfException.ThrowIfNegative(Libbpf.bpf_obj_get_info_by_fd(handle.Fd, &info, &len), "bpf_obj_get_info_by_fd", $"link of {what}");
        return info;
    }

    /// <summary>Pins the link at <paramref name="path"/>: the program stays attached after this process exits.</summary>
    public void Pin(string path)
        => BpfException.ThrowIfNegative(Libbpf.bpf_obj_pin(Handle.Fd, path), "bpf_obj_pin", $"link of {Program} at {path}");

    /// <summary>Detaches the program now, pinned or not.</summary>
    public void Detach()
        => BpfException.ThrowIfNegative(Libbpf.bpf_link_detach(Handle.Fd), "bpf_link_detach", $"{Program} on ifindex {Ifindex}");

    /// <inheritdoc/>
    public void Dispose() => Handle.Dispose();
}

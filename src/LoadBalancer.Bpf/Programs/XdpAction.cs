namespace LoadBalancer.Bpf.Programs;

/// <summary>UAPI <c>enum xdp_action</c>.</summary>
public enum XdpAction : uint
{
    /// <summary>XDP_ABORTED: a program error, visible on the xdp:xdp_exception tracepoint.</summary>
    Aborted = 0,

    /// <summary>XDP_DROP.</summary>
    Drop = 1,

    /// <summary>XDP_PASS: up the kernel stack.</summary>
    Pass = 2,

    /// <summary>XDP_TX: back out of the device it came in on.</summary>
    Tx = 3,

    /// <summary>XDP_REDIRECT: to another device, CPU or socket.</summary>
    Redirect = 4,
}

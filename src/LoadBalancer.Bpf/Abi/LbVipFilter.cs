namespace LoadBalancer.Bpf.Abi;

/// <summary>Mirrors <c>enum lb_vip_filter</c>: the size of the VIP address bitmap in lb_vip_filter.</summary>
[BpfAbi("lb_vip_filter", Prefix = "LB_VIP_FILTER_")]
public enum LbVipFilter : uint
{
    /// <summary>Bits of the filter hash: 2^16 bits.</summary>
    Bits = 16,

    /// <summary>64-bit words of the bitmap.</summary>
    Words = (1 << 16) / 64,
}

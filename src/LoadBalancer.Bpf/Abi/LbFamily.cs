namespace LoadBalancer.Bpf.Abi;

/// <summary>Mirrors <c>enum lb_family</c>: the address family tag in keys and values.</summary>
[BpfAbi("lb_family", Prefix = "LB_FAMILY_")]
public enum LbFamily : byte
{
    /// <summary>No entry.</summary>
    None = 0,

    /// <summary>IPv4.</summary>
    Ipv4 = 4,

    /// <summary>IPv6.</summary>
    Ipv6 = 6,
}

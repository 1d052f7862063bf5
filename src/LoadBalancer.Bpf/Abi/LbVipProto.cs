namespace LoadBalancer.Bpf.Abi;

/// <summary>Mirrors <c>enum lb_vip_proto</c>: the protocol of a VIP address's marker entry in lb_vips.</summary>
[BpfAbi("lb_vip_proto", Prefix = "LB_VIP_PROTO_")]
public enum LbVipProto : byte
{
    /// <summary>Marks the address itself as a VIP address (port 0); the entry's value is unused.</summary>
    Address = 0,
}

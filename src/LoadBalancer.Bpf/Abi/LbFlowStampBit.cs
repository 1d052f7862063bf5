namespace LoadBalancer.Bpf.Abi;

/// <summary>Mirrors <c>enum lb_flow_stamp_bit</c>: the bits of <see cref="LbFlowIndex.Stamp"/> besides the access time's.</summary>
[BpfAbi("lb_flow_stamp_bit", Prefix = "LB_FLOW_STAMP_")]
[Flags]
public enum LbFlowStampBit : uint
{
    /// <summary>The flow's client sent FIN or RST.</summary>
    Closed = 1,
}

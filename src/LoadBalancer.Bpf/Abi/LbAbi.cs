namespace LoadBalancer.Bpf.Abi;

/// <summary>Mirrors <c>enum lb_abi</c>: the version of the contract in lb_abi.h.</summary>
[BpfAbi("lb_abi")]
public enum LbAbi : uint
{
    /// <summary>LB_ABI_VERSION: what this build writes and accepts.</summary>
    [BpfName("LB_ABI_VERSION")]
    Version = 8,

    /// <summary>LB_FLOW_WAYS: slots per flow-table bucket (one <see cref="LbFlowIndex"/>, this many <see cref="LbFlowSlot"/>).</summary>
    [BpfName("LB_FLOW_WAYS")]
    FlowWays = 7,

    /// <summary>LB_RING_LINE_SLOTS: Maglev ring slots per <see cref="LbRingLine"/>.</summary>
    [BpfName("LB_RING_LINE_SLOTS")]
    RingLineSlots = 32,
}

namespace LoadBalancer.Bpf.Abi;

/// <summary>Mirrors <c>enum lb_flow_tag_bit</c>: the bits of <see cref="LbFlowIndex.Tag"/> besides the flow hash's.</summary>
[BpfAbi("lb_flow_tag_bit", Prefix = "LB_FLOW_TAG_")]
[Flags]
public enum LbFlowTagBit : uint
{
    /// <summary>On every written slot's tag: 0 means free.</summary>
    Taken = 1,

    /// <summary>The slot's flow is UDP (its idle timeout).</summary>
    Udp = 2,
}

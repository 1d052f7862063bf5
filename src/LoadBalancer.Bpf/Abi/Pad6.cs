namespace LoadBalancer.Bpf.Abi;

/// <summary>Six zero bytes of explicit padding, the C <c>__u8 pad[6]</c>.</summary>
[System.Runtime.CompilerServices.InlineArray(6)]
public struct Pad6
{
    private byte _element0;
}

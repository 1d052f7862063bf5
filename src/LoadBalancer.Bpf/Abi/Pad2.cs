namespace LoadBalancer.Bpf.Abi;

/// <summary>Two zero bytes of explicit padding, the C <c>__u8 pad[2]</c>.</summary>
[System.Runtime.CompilerServices.InlineArray(2)]
public struct Pad2
{
    private byte _element0;
}

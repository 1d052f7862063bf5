using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using LoadBalancer.Core.Model;
using LoadBalancer.Testing;

namespace LoadBalancer.Datapath.Tests;

/// <summary>
/// What the data plane must emit, computed independently of it: the byte layout of an IPIP
/// encapsulation as RFC 2003 / RFC 2473 describe it, with the design's choices (TTL 64, DF,
/// outer IPv4 id 0, TOS/traffic class copied, IPv6 flow label from the flow hash, source =
/// prefix with host bits from the hash), built with <see cref="Packet"/>.
/// </summary>
public static class ExpectedFrames
{
    /// <summary>The frame lb_xdp_ingress sends for <paramref name="input"/> to <paramref name="backend"/>.</summary>
    public static byte[] Encapsulated(byte[] input, IPAddress backend, uint hash, NodeSpec node, byte[] dstMac, byte[] srcMac)
    {
        var (l2, vlanTci) = L2(input);
        var innerLength = IpLength(input.AsSpan(l2));
        var inner = input.AsSpan(l2, innerLength);
        var trailer = input.AsSpan(l2 + innerLength);
        var innerIsV4 = inner[0] >> 4 == 4;
        var tos = innerIsV4 ? inner[1] : (byte)((BinaryPrimitives.ReadUInt32BigEndian(inner) >> 20) & 0xff);
        var innerProto = innerIsV4 ? Packet.ProtoIpip : Packet.ProtoIpv6;
        byte[] outer;
        if (backend.AddressFamily == AddressFamily.InterNetwork)
        {
            var src = OuterSource(node.OuterSourceV4, hash);
            outer = Packet.Ipv4(src, backend, innerProto, inner, tos: tos, ttl: 64, fragment: Packet.Ipv4DontFragment);
        }
        else
        {
            var src = OuterSource(node.OuterSourceV6, hash);
            outer = Packet.Ipv6(src, backend, innerProto, inner, trafficClass: tos, flowLabel: hash & 0xfffff, hopLimit: 64);
        }
        var etherType = backend.AddressFamily == AddressFamily.InterNetwork ? Packet.EtherTypeIpv4 : Packet.EtherTypeIpv6;
        return [.. Packet.Ethernet(dstMac, srcMac, etherType, outer, vlanTci), .. trailer];
    }

    /// <summary>The frame lb_xdp_decap passes up for a tunnel frame: its own MACs (and tag), then the inner packet.</summary>
    public static byte[] Decapsulated(byte[] tunnel)
    {
        var (l2, vlanTci) = L2(tunnel);
        var outerLength = tunnel[l2] >> 4 == 4 ? (tunnel[l2] & 0xf) * 4 : 40;
        var inner = tunnel.AsSpan(l2 + outerLength);
        return Packet.Ethernet(tunnel.AsSpan(0, 6), tunnel.AsSpan(6, 6), Packet.EtherTypeOf(inner), inner, vlanTci);
    }

    /// <summary>Outer source: the prefix, with every host bit taken from the hash's bytes as stored little-endian.</summary>
    public static IPAddress OuterSource(IPNetwork prefix, uint hash)
    {
        var bytes = prefix.BaseAddress.GetAddressBytes();
        var hostBits = bytes.Length * 8 - prefix.PrefixLength;
        Span<byte> hashBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(hashBytes, hash);
        var lastWord = bytes.Length - 4;
        for (var i = 0; i < 4; i++)
        {
            var bitIndexFromEnd = (3 - i) * 8;
            var maskBits = Math.Clamp(hostBits - bitIndexFromEnd, 0, 8);
            var mask = (byte)((1 << maskBits) - 1);
            bytes[lastWord + i] |= (byte)(hashBytes[i] & mask);
        }
        return new IPAddress(bytes);
    }

    /// <summary>Whether the outer IPv4 header of an encapsulated frame sums to zero (valid checksum).</summary>
    public static bool OuterIpv4ChecksumValid(byte[] frame)
    {
        var (l2, _) = L2(frame);
        var headerLength = (frame[l2] & 0xf) * 4;
        return Packet.Checksum(frame.AsSpan(l2, headerLength)) == 0;
    }

    private static (int Length, ushort? VlanTci) L2(byte[] frame)
    {
        var etherType = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12));
        return etherType is 0x8100 or 0x88a8 ? (18, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(14))) : (14, null);
    }

    private static int IpLength(ReadOnlySpan<byte> ip)
        => ip[0] >> 4 == 4 ? BinaryPrimitives.ReadUInt16BigEndian(ip[2..]) : 40 + BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
}

using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace LoadBalancer.Testing;

/// <summary>
/// Builds frames byte by byte, with correct lengths and checksums, for packet fixtures: each
/// layer takes its payload and returns the layer's bytes with the payload appended.
/// </summary>
public static class Packet
{
    public const ushort EtherTypeIpv4 = 0x0800;
    public const ushort EtherTypeIpv6 = 0x86dd;
    public const ushort EtherTypeArp = 0x0806;
    public const ushort EtherTypeVlan = 0x8100;
    public const byte ProtoIcmp = 1;
    public const byte ProtoIpip = 4;
    public const byte ProtoTcp = 6;
    public const byte ProtoUdp = 17;
    public const byte ProtoIpv6 = 41;
    public const byte TcpFin = 0x01;
    public const byte TcpSyn = 0x02;
    public const byte TcpRst = 0x04;
    public const byte TcpPsh = 0x08;
    public const byte TcpAck = 0x10;
    public const ushort Ipv4DontFragment = 0x4000;

    /// <summary>An Ethernet frame, optionally with one 802.1Q tag.</summary>
    public static byte[] Ethernet(ReadOnlySpan<byte> dst, ReadOnlySpan<byte> src, ushort etherType, ReadOnlySpan<byte> payload, ushort? vlanTci = null)
    {
        var header = vlanTci is null ? 14 : 18;
        var frame = new byte[header + payload.Length];
        dst.CopyTo(frame);
        src.CopyTo(frame.AsSpan(6));
        if (vlanTci is { } tci)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), EtherTypeVlan);
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14), tci);
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(16), etherType);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), etherType);
        }
        payload.CopyTo(frame.AsSpan(header));
        return frame;
    }

    /// <summary>An IPv4 datagram with a valid header checksum; <paramref name="options"/> must be a multiple of 4 bytes.</summary>
    public static byte[] Ipv4(IPAddress src, IPAddress dst, byte protocol, ReadOnlySpan<byte> payload, byte tos = 0, byte ttl = 64,
        ushort fragment = Ipv4DontFragment, ReadOnlySpan<byte> options = default, ushort id = 0)
    {
        var headerLength = 20 + options.Length;
        var packet = new byte[headerLength + payload.Length];
        packet[0] = (byte)(0x40 | (headerLength / 4));
        packet[1] = tos;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), id);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), fragment);
        packet[8] = ttl;
        packet[9] = protocol;
        src.GetAddressBytes().CopyTo(packet, 12);
        dst.GetAddressBytes().CopyTo(packet, 16);
        options.CopyTo(packet.AsSpan(20));
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), Checksum(packet.AsSpan(0, headerLength)));
        payload.CopyTo(packet.AsSpan(headerLength));
        return packet;
    }

    /// <summary>An IPv6 packet (no extension headers unless they are in <paramref name="payload"/>).</summary>
    public static byte[] Ipv6(IPAddress src, IPAddress dst, byte nextHeader, ReadOnlySpan<byte> payload, byte trafficClass = 0, uint flowLabel = 0, byte hopLimit = 64)
    {
        var packet = new byte[40 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(packet, (6u << 28) | ((uint)trafficClass << 20) | (flowLabel & 0xfffff));
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)payload.Length);
        packet[6] = nextHeader;
        packet[7] = hopLimit;
        src.GetAddressBytes().CopyTo(packet, 8);
        dst.GetAddressBytes().CopyTo(packet, 24);
        payload.CopyTo(packet.AsSpan(40));
        return packet;
    }

    /// <summary>A TCP segment (20-byte header) with its checksum over the pseudo-header of src and dst.</summary>
    public static byte[] Tcp(IPAddress src, IPAddress dst, ushort sport, ushort dport, byte flags, ReadOnlySpan<byte> payload = default, uint seq = 1000, uint ack = 0)
    {
        var segment = new byte[20 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(segment, sport);
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), dport);
        BinaryPrimitives.WriteUInt32BigEndian(segment.AsSpan(4), seq);
        BinaryPrimitives.WriteUInt32BigEndian(segment.AsSpan(8), ack);
        segment[12] = 5 << 4;
        segment[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(14), 64240);
        payload.CopyTo(segment.AsSpan(20));
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(16), L4Checksum(src, dst, ProtoTcp, segment));
        return segment;
    }

    /// <summary>A UDP datagram with its checksum over the pseudo-header of src and dst.</summary>
    public static byte[] Udp(IPAddress src, IPAddress dst, ushort sport, ushort dport, ReadOnlySpan<byte> payload)
    {
        var datagram = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(datagram, sport);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), dport);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(4), (ushort)datagram.Length);
        payload.CopyTo(datagram.AsSpan(8));
        var checksum = L4Checksum(src, dst, ProtoUdp, datagram);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(6), checksum == 0 ? (ushort)0xffff : checksum);
        return datagram;
    }

    /// <summary>An IP packet carrying a TCP segment, in the family of the addresses.</summary>
    public static byte[] IpTcp(IPAddress src, IPAddress dst, ushort sport, ushort dport, byte flags, ReadOnlySpan<byte> payload = default)
        => Ip(src, dst, ProtoTcp, Tcp(src, dst, sport, dport, flags, payload));

    /// <summary>An IP packet carrying a UDP datagram, in the family of the addresses.</summary>
    public static byte[] IpUdp(IPAddress src, IPAddress dst, ushort sport, ushort dport, ReadOnlySpan<byte> payload)
        => Ip(src, dst, ProtoUdp, Udp(src, dst, sport, dport, payload));

    /// <summary>An IPv4 or IPv6 packet, by the family of the addresses.</summary>
    public static byte[] Ip(IPAddress src, IPAddress dst, byte protocol, ReadOnlySpan<byte> payload)
        => src.AddressFamily == AddressFamily.InterNetwork ? Ipv4(src, dst, protocol, payload) : Ipv6(src, dst, protocol, payload);

    /// <summary>The Ethernet type for an IP packet's first byte.</summary>
    public static ushort EtherTypeOf(ReadOnlySpan<byte> ipPacket) => (ipPacket[0] >> 4) == 4 ? EtherTypeIpv4 : EtherTypeIpv6;

    /// <summary>The Internet checksum (RFC 1071) of <paramref name="data"/>, plus a partial sum.</summary>
    public static ushort Checksum(ReadOnlySpan<byte> data, uint partial = 0)
    {
        var sum = partial;
        for (var i = 0; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }
        if ((data.Length & 1) == 1)
        {
            sum += (uint)data[^1] << 8;
        }
        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (ushort)~sum;
    }

    private static ushort L4Checksum(IPAddress src, IPAddress dst, byte protocol, ReadOnlySpan<byte> segment)
    {
        uint sum = 0;
        foreach (var address in new[] { src, dst })
        {
            var bytes = address.GetAddressBytes();
            for (var i = 0; i < bytes.Length; i += 2)
            {
                sum += BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(i));
            }
        }
        sum += protocol;
        sum += (uint)segment.Length;
        return Checksum(segment, sum);
    }
}

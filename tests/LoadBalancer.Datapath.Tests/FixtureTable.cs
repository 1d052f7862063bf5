using System.Buffers.Binary;
using System.Net;
using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Programs;
using LoadBalancer.ControlPlane.Dataplane;
using LoadBalancer.Core.Hashing;
using LoadBalancer.Core.Model;
using LoadBalancer.Testing;
using static LoadBalancer.Datapath.Tests.StandardConfig;

namespace LoadBalancer.Datapath.Tests;

/// <summary>
/// The packet fixtures over <see cref="StandardConfig"/>. Every forwarded row uses its own client
/// port, so each is a new flow; rows may run in any order.
/// </summary>
public static class FixtureTable
{
    private static ushort s_port = 40000;

    public static IReadOnlyList<FixtureRow> Rows { get; } = Build();

    private static List<FixtureRow> Build() =>
    [
        // Forwarded: every family, protocol and encapsulation.
        Tcp("ipv4 tcp syn to vip", Tcp4, Client4, Packet.TcpSyn),
        Tcp("ipv4 tcp ack mid-flow, unseen", Tcp4, Client4, Packet.TcpAck | Packet.TcpPsh, "GET / HTTP/1.1\r\n\r\n"u8.ToArray()),
        Udp("ipv4 udp to vip", Udp4, Client4, "query"u8.ToArray()),
        Tcp("ipv6 tcp syn to vip", Tcp6, Client6, Packet.TcpSyn),
        Udp("ipv6 udp to vip", Udp6, Client6, "query6"u8.ToArray()),
        Tcp("ipv4 vip with ipv6 backend (4-in-6)", FourInSix, Client4, Packet.TcpSyn),
        Tcp("ipv6 vip with ipv4 backend (6-in-4)", SixInFour, Client6, Packet.TcpSyn),
        Tcp("wildcard-port vip, port 12345", WildTcp4 with { Port = 12345 }, Client4, Packet.TcpSyn, matched: WildTcp4),
        Tcp("exact port beats wildcard", WildTcp4Port80, Client4, Packet.TcpSyn),
        Forward("ipv4 with options to vip", Tcp4, Client4, L4Protocol.Tcp, (flow, s) =>
            Packet.Ipv4(flow.Source, flow.Destination, Packet.ProtoTcp, Packet.Tcp(flow.Source, flow.Destination, flow.SourcePort, flow.DestinationPort, Packet.TcpSyn),
                options: [0x01, 0x01, 0x01, 0x01, 0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00])),
        Forward("vlan-tagged ipv4 to vip", Tcp4, Client4, L4Protocol.Tcp, (flow, s) => TcpIp(flow, Packet.TcpSyn), vlan: 100),
        Forward("vlan-tagged ipv6 to vip", Udp6, Client6, L4Protocol.Udp, (flow, s) => Packet.IpUdp(flow.Source, flow.Destination, flow.SourcePort, flow.DestinationPort, "tagged"u8), vlan: 0x2c8),
        Forward("ipv6 destination options then tcp", Tcp6, Client6, L4Protocol.Tcp, (flow, s) =>
            Packet.Ipv6(flow.Source, flow.Destination, 60, [Packet.ProtoTcp, 0, 1, 4, 0, 0, 0, 0, .. Packet.Tcp(flow.Source, flow.Destination, flow.SourcePort, flow.DestinationPort, Packet.TcpSyn)])),
        Forward("ipv4 tos copied to outer", Tcp4, Client4, L4Protocol.Tcp, (flow, s) =>
            Packet.Ipv4(flow.Source, flow.Destination, Packet.ProtoTcp, Packet.Tcp(flow.Source, flow.Destination, flow.SourcePort, flow.DestinationPort, Packet.TcpSyn), tos: 0xb8)),
        Forward("ipv6 traffic class copied to outer", Tcp6, Client6, L4Protocol.Tcp, (flow, s) =>
            Packet.Ipv6(flow.Source, flow.Destination, Packet.ProtoTcp, Packet.Tcp(flow.Source, flow.Destination, flow.SourcePort, flow.DestinationPort, Packet.TcpSyn), trafficClass: 0x28, flowLabel: 0x12345)),
        Forward("mtu-sized ipv4 (1500) to vip", Tcp4, Client4, L4Protocol.Tcp, (flow, s) => TcpIp(flow, Packet.TcpAck, new byte[1460])),
        Forward("mtu-sized ipv6 (1500) to vip", Udp6, Client6, L4Protocol.Udp, (flow, s) => Packet.IpUdp(flow.Source, flow.Destination, flow.SourcePort, flow.DestinationPort, new byte[1452])),

        // Not for a VIP: passed untouched.
        Pass("non-vip ipv4 tcp", LbReason.PassNotVip, Eth(Packet.IpTcp(Client4, NotVip4, NextPort(), 80, Packet.TcpSyn))),
        Pass("non-vip address sharing the vip's filter bit", LbReason.PassNotVip, Eth(Packet.IpTcp(Client4, FilterTwinOf(Vip4), NextPort(), 80, Packet.TcpSyn))),
        Pass("non-vip ipv6 udp", LbReason.PassNotVip, Eth(Packet.IpUdp(Client6, NotVip6, NextPort(), 53, "x"u8))),
        Pass("icmp echo to a non-vip address", LbReason.PassNotVip, Eth(Packet.Ipv4(Client4, NotVip4, Packet.ProtoIcmp, [8, 0, 0xf7, 0xff, 0, 0, 0, 0]))),
        Pass("ospf to a non-vip address", LbReason.PassNotVip, Eth(Packet.Ipv4(Client4, IPAddress.Parse("224.0.0.5"), 89, new byte[24]))),
        Pass("ipv4 fragment to a non-vip address", LbReason.PassNotVip, Eth(Packet.Ipv4(Client4, NotVip4, Packet.ProtoUdp, new byte[16], fragment: 0x2000, id: 3))),
        Pass("ipv6 fragment to a non-vip address", LbReason.PassNotVip, Eth(Packet.Ipv6(Client6, NotVip6, 44, [Packet.ProtoUdp, 0, 0, 1, 0, 0, 0, 4, .. new byte[16]]))),
        Pass("vlan-tagged non-vip", LbReason.PassNotVip, Eth(Packet.IpTcp(Client4, NotVip4, NextPort(), 22, Packet.TcpSyn), vlan: 7)),
        Pass("arp request", LbReason.PassNotIp, Packet.Ethernet([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], BalancerWorld.ClientMac, Packet.EtherTypeArp, Arp())),
        Pass("lldp ethertype", LbReason.PassNotIp, Packet.Ethernet([0x01, 0x80, 0xc2, 0, 0, 0x0e], BalancerWorld.ClientMac, 0x88cc, new byte[46])),
        Pass("qinq double tag", LbReason.PassNotIp, Packet.Ethernet(BalancerWorld.LbMac, BalancerWorld.ClientMac, Packet.EtherTypeVlan, [0x00, 0x0a, 0x08, 0x00, .. Packet.IpTcp(Client4, Vip4, NextPort(), 80, Packet.TcpSyn)], vlanTci: 5)),

        // For a VIP address but no VIP: dropped, not passed to a kernel that would route it back out.
        Drop("vip address, other port", LbReason.DropVipUnserved, Eth(Packet.IpTcp(Client4, Vip4, NextPort(), 8080, Packet.TcpSyn))),
        Drop("vip address and port, other protocol", LbReason.DropVipUnserved, Eth(Packet.IpUdp(Client4, Vip4, NextPort(), 80, "x"u8))),
        Drop("wildcard vip, other protocol", LbReason.DropVipUnserved, Eth(Packet.IpUdp(Client4, Wild4, NextPort(), 12345, "x"u8))),
        Drop("ipv6 vip address, other port", LbReason.DropVipUnserved, Eth(Packet.IpTcp(Client6, Vip6, NextPort(), 22, Packet.TcpSyn))),
        Drop("icmp echo to vip", LbReason.DropVipUnserved, Eth(Packet.Ipv4(Client4, Vip4, Packet.ProtoIcmp, [8, 0, 0xf7, 0xff, 0, 0, 0, 0]))),
        Drop("icmpv6 echo to vip", LbReason.DropVipUnserved, Eth(Packet.Ipv6(Client6, Vip6, 58, [128, 0, 0, 0, 0, 1, 0, 1]))),
        Drop("ipv4 first fragment to vip", LbReason.DropVipFragment, Eth(Packet.Ipv4(Client4, Vip4, Packet.ProtoTcp, Packet.Tcp(Client4, Vip4, NextPort(), 80, Packet.TcpSyn), fragment: 0x2000, id: 7))),
        Drop("ipv4 later fragment to vip", LbReason.DropVipFragment, Eth(Packet.Ipv4(Client4, Vip4, Packet.ProtoTcp, new byte[16], fragment: 0x0003, id: 7))),
        Drop("ipv6 fragment header to vip", LbReason.DropVipFragment, Eth(Packet.Ipv6(Client6, Vip6, 44, [Packet.ProtoTcp, 0, 0, 1, 0, 0, 0, 9, .. Packet.Tcp(Client6, Vip6, NextPort(), 443, Packet.TcpSyn)]))),

        // Malformed: dropped, each with its reason.
        // (A frame under 14 bytes cannot be tested: BPF_PROG_TEST_RUN refuses it with EINVAL.)
        Drop("802.1q tag cut", LbReason.DropEthTrunc, Eth(Packet.IpTcp(Client4, Vip4, NextPort(), 80, Packet.TcpSyn), vlan: 9)[..16]),
        Drop("802.1ad tag cut", LbReason.DropEthTrunc, SetU16(Eth(Packet.IpTcp(Client4, Vip4, NextPort(), 80, Packet.TcpSyn), vlan: 9)[..17], 12, 0x88a8)),
        Drop("ipv4 header cut", LbReason.DropIpTrunc, Eth(Packet.IpTcp(Client4, Vip4, NextPort(), 80, Packet.TcpSyn))[..(14 + 12)]),
        Drop("ipv4 options cut (ihl 15)", LbReason.DropIpTrunc, Patch(Eth(Packet.IpTcp(Client4, Vip4, NextPort(), 80, Packet.TcpSyn))[..(14 + 30)], 14, 0x4f)),
        Drop("ipv4 ihl 4", LbReason.DropIpIhl, Patch(Eth(Packet.IpTcp(Client4, Vip4, NextPort(), 80, Packet.TcpSyn)), 14, 0x44)),
        Drop("ipv4 total length beyond frame", LbReason.DropIpLen, SetU16(Eth(Packet.IpTcp(Client4, Vip4, NextPort(), 80, Packet.TcpSyn)), 14 + 2, 40 + 10)),
        Drop("ipv4 total length below ihl", LbReason.DropIpLen, SetU16(Eth(Packet.IpTcp(Client4, Vip4, NextPort(), 80, Packet.TcpSyn)), 14 + 2, 16)),
        Drop("ipv6 packet under ipv4 ethertype", LbReason.DropIpVersion, Packet.Ethernet(BalancerWorld.LbMac, BalancerWorld.ClientMac, Packet.EtherTypeIpv4, Packet.IpTcp(Client6, Vip6, NextPort(), 443, Packet.TcpSyn))),
        Drop("ipv6 header cut", LbReason.DropIpTrunc, Eth(Packet.IpTcp(Client6, Vip6, NextPort(), 443, Packet.TcpSyn))[..(14 + 39)]),
        Drop("ipv6 payload length beyond frame", LbReason.DropIpLen, SetU16(Eth(Packet.IpTcp(Client6, Vip6, NextPort(), 443, Packet.TcpSyn)), 14 + 4, 21)),
        Drop("tcp header cut by ipv4 length", LbReason.DropTcpTrunc, Eth(Packet.Ipv4(Client4, Vip4, Packet.ProtoTcp, Packet.Tcp(Client4, Vip4, NextPort(), 80, Packet.TcpSyn)[..10]))),
        Drop("tcp header cut, frame padded past ipv4 length", LbReason.DropTcpTrunc, [.. Eth(Packet.Ipv4(Client4, Vip4, Packet.ProtoTcp, Packet.Tcp(Client4, Vip4, NextPort(), 80, Packet.TcpSyn)[..12])), .. new byte[20]]),
        Drop("tcp header cut in ipv6", LbReason.DropTcpTrunc, Eth(Packet.Ipv6(Client6, Vip6, Packet.ProtoTcp, Packet.Tcp(Client6, Vip6, NextPort(), 443, Packet.TcpSyn)[..19]))),
        Drop("udp header cut", LbReason.DropUdpTrunc, Eth(Packet.Ipv4(Client4, Vip4, Packet.ProtoUdp, Packet.Udp(Client4, Vip4, NextPort(), 53, "q"u8)[..6]))),
        Drop("encapsulated ipv4 above fallback mtu", LbReason.DropFragNeeded, Eth(Packet.IpTcp(Client4, Vip4, NextPort(), 80, Packet.TcpAck, new byte[FallbackMtu - 20 - 20 - 20 + 1]))),
        Drop("encapsulated ipv6 above fallback mtu", LbReason.DropFragNeeded, Eth(Packet.IpUdp(Client6, Vip6, NextPort(), 53, new byte[FallbackMtu - 40 - 40 - 8 + 1]))),
    ];

    private static ushort NextPort() => s_port++;

    private static byte[] Eth(byte[] ip, ushort? vlan = null)
        => Packet.Ethernet(BalancerWorld.LbMac, BalancerWorld.ClientMac, Packet.EtherTypeOf(ip), ip, vlan);

    private static byte[] TcpIp(FlowTuple flow, byte flags, byte[]? payload = null)
        => Packet.IpTcp(flow.Source, flow.Destination, flow.SourcePort, flow.DestinationPort, flags, payload);

    private static FixtureRow Tcp(string name, VipKey target, IPAddress client, byte flags, byte[]? payload = null, VipKey? matched = null)
        => Forward(name, target, client, L4Protocol.Tcp, (flow, _) => TcpIp(flow, flags, payload), matched: matched);

    private static FixtureRow Udp(string name, VipKey target, IPAddress client, byte[] payload)
        => Forward(name, target, client, L4Protocol.Udp, (flow, _) => Packet.IpUdp(flow.Source, flow.Destination, flow.SourcePort, flow.DestinationPort, payload));

    /// <summary>A forwarded row to <paramref name="target"/> (address and port on the wire), matching VIP <paramref name="matched"/> (default: target).</summary>
    private static FixtureRow Forward(string name, VipKey target, IPAddress client, L4Protocol protocol, Func<FlowTuple, ushort, byte[]> ip, ushort? vlan = null, VipKey? matched = null)
    {
        var flow = new FlowTuple(client, NextPort(), target.Address, target.Port, protocol);
        return new FixtureRow(name, Eth(ip(flow, flow.SourcePort), vlan), XdpAction.Tx, Vip: matched ?? target, Flow: flow);
    }

    private static FixtureRow Pass(string name, LbReason reason, byte[] frame) => new(name, frame, XdpAction.Pass, reason);

    private static FixtureRow Drop(string name, LbReason reason, byte[] frame) => new(name, frame, XdpAction.Drop, reason);

    /// <summary>A non-VIP address whose VIP-filter bit is the VIP's: it passes the filter and must be caught by the exact lookup.</summary>
    private static IPAddress FilterTwinOf(IPAddress vip)
    {
        var slot = VipFilter.Slot(vip);
        for (var i = 1; ; i++)
        {
            var candidate = new IPAddress([10, 200, (byte)(i >> 8), (byte)i]);
            if (VipFilter.Slot(candidate) == slot)
            {
                return candidate;
            }
        }
    }

    private static byte[] Patch(byte[] frame, int offset, byte value)
    {
        frame[offset] = value;
        return frame;
    }

    private static byte[] SetU16(byte[] frame, int offset, ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(offset), value);
        return frame;
    }

    private static byte[] Arp()
    {
        byte[] arp = [0, 1, 8, 0, 6, 4, 0, 1, .. BalancerWorld.ClientMac, .. Client4.GetAddressBytes(), 0, 0, 0, 0, 0, 0, .. Vip4.GetAddressBytes()];
        return [.. arp, .. new byte[18]];
    }
}

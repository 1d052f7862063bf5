using System.Net;
using System.Net.Sockets;
using Apipb;
using Google.Protobuf.WellKnownTypes;

namespace LoadBalancer.ControlPlane.Bgp;

/// <summary>
/// GoBGP API paths for VIP host routes: the NLRI, ORIGIN IGP and the next hop, which is a NEXT_HOP
/// attribute for IPv4 and an MP_REACH_NLRI for IPv6 (GoBGP's api2Path reads it from there).
/// </summary>
internal static class GobgpPaths
{
    /// <summary>The IPv4 unicast family.</summary>
    public static Family Ipv4Unicast => new() { Afi = Family.Types.Afi.Ip, Safi = Family.Types.Safi.Unicast };

    /// <summary>The IPv6 unicast family.</summary>
    public static Family Ipv6Unicast => new() { Afi = Family.Types.Afi.Ip6, Safi = Family.Types.Safi.Unicast };

    /// <summary>The unicast family of <paramref name="address"/>.</summary>
    public static Family FamilyOf(IPAddress address) => IsV4(address) ? Ipv4Unicast : Ipv6Unicast;

    /// <summary>
    /// The "self" next hop, 0.0.0.0 or ::. GoBGP sends a locally originated path whose next hop is
    /// unspecified with the session's local address (eBGP and iBGP alike: table.UpdatePathAttrs).
    /// </summary>
    public static IPAddress Self(IPAddress vip) => IsV4(vip) ? IPAddress.Any : IPAddress.IPv6Any;

    /// <summary>IPv4-mapped IPv6 addresses as IPv4, so one VIP has one form.</summary>
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>The host route's prefix text, e.g. 10.0.0.1/32.</summary>
    public static string Prefix(IPAddress vip) => $"{vip}/{(IsV4(vip) ? 32 : 128)}";

    /// <summary>The path that announces (or, given to DeletePath, withdraws) <paramref name="vip"/>/32 or /128 via <paramref name="nextHop"/>.</summary>
    public static Apipb.Path HostRoute(IPAddress vip, IPAddress nextHop)
    {
        var v4 = IsV4(vip);
        var nlri = Any.Pack(new IPAddressPrefix { Prefix = vip.ToString(), PrefixLen = v4 ? 32u : 128u });
        var family = FamilyOf(vip);
        var path = new Apipb.Path { Family = family, Nlri = nlri };
        path.Pattrs.Add(Any.Pack(new OriginAttribute { Origin = 0 }));
        if (v4)
        {
            path.Pattrs.Add(Any.Pack(new NextHopAttribute { NextHop = nextHop.ToString() }));
        }
        else
        {
            path.Pattrs.Add(Any.Pack(new MpReachNLRIAttribute { Family = family, NextHops = { nextHop.ToString() }, Nlris = { nlri } }));
        }
        return path;
    }

    private static bool IsV4(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork;
}

using System.Net;
using LoadBalancer.Core.Model;
using Xunit;

namespace LoadBalancer.Core.Tests.Model;

public sealed class VipKeyTests
{
    [Theory]
    [InlineData("10.0.0.1", 80, L4Protocol.Tcp)]
    [InlineData("10.0.0.1", 53, L4Protocol.Udp)]
    [InlineData("10.0.0.1", 0, L4Protocol.Tcp)]
    [InlineData("10.0.0.1", 65535, L4Protocol.Udp)]
    [InlineData("fd00::1", 53, L4Protocol.Udp)]
    [InlineData("2001:db8::80:1", 443, L4Protocol.Tcp)]
    [InlineData("fd00::1", 0, L4Protocol.Udp)]
    [InlineData("::1", 1, L4Protocol.Tcp)]
    public void Parse_ToStringOfKey_ReturnsSameKey(string address, int port, L4Protocol protocol)
    {
        var key = new VipKey(IPAddress.Parse(address), (ushort)port, protocol);

        Assert.True(VipKey.TryParse(key.ToString(), out var parsed), key.ToString());
        Assert.Equal(key, parsed);
        Assert.Equal(key, VipKey.Parse(key.ToString()));
    }

    [Theory]
    [InlineData("10.0.0.1:80/tcp")]
    [InlineData("10.0.0.1:53/udp")]
    [InlineData("10.0.0.1:*/tcp")]
    [InlineData("[fd00::1]:53/udp")]
    [InlineData("[fd00::1]:*/udp")]
    [InlineData("[2001:db8::1]:443/tcp")]
    public void ToString_ParsedCanonicalText_GivesSameText(string text)
    {
        Assert.Equal(text, VipKey.Parse(text).ToString());
    }

    [Theory]
    [InlineData("10.0.0.1:*/tcp", "10.0.0.1:0/tcp")]
    [InlineData("[fd00::1]:*/udp", "[fd00::1]:0/udp")]
    [InlineData("10.0.0.1:80", "10.0.0.1:80/tcp")]
    [InlineData("[fd00::1]:443", "[fd00::1]:443/tcp")]
    [InlineData("10.0.0.1:*", "10.0.0.1:0/tcp")]
    [InlineData("10.0.0.1:80/TCP", "10.0.0.1:80/tcp")]
    [InlineData("[FD00::0:1]:53/Udp", "[fd00::1]:53/udp")]
    public void Parse_EquivalentSpellings_GiveSameKey(string text, string same)
    {
        Assert.Equal(VipKey.Parse(same), VipKey.Parse(text));
    }

    [Fact]
    public void Parse_NoProtocol_DefaultsToTcp()
    {
        var key = VipKey.Parse("192.0.2.1:8080");

        Assert.Equal(new VipKey(IPAddress.Parse("192.0.2.1"), 8080, L4Protocol.Tcp), key);
    }

    [Fact]
    public void ToString_PortZero_WritesStar()
    {
        Assert.Equal("10.0.0.1:*/udp", new VipKey(IPAddress.Parse("10.0.0.1"), 0, L4Protocol.Udp).ToString());
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("10.0.0.1/tcp")]
    [InlineData("10.0.0.1:99999/tcp")]
    [InlineData("10.0.0.1:65536/tcp")]
    [InlineData("10.0.0.1:-1/tcp")]
    [InlineData("10.0.0.1:+80/tcp")]
    [InlineData("10.0.0.1:80/sctp")]
    [InlineData("10.0.0.1:80/")]
    [InlineData("10.0.0.1:/tcp")]
    [InlineData("10.0.0.1:http/tcp")]
    [InlineData(":80/tcp")]
    [InlineData("fd00::1:80/tcp")]
    [InlineData("[fd00::1]80/tcp")]
    [InlineData("[fd00::1:80/tcp")]
    [InlineData("[fd00::1]:/tcp")]
    [InlineData("example.com:80/tcp")]
    [InlineData("10.0.0.256:80/tcp")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void TryParse_NotAVipKey_ReturnsFalse(string? text)
    {
        Assert.False(VipKey.TryParse(text, out _));
    }

    [Theory]
    [InlineData("10.0.1:80/tcp")]
    [InlineData("10.1:80/tcp")]
    [InlineData("10:80/tcp")]
    [InlineData("0x0a000001:80/tcp")]
    [InlineData("010.0.0.1:80/tcp")]
    [InlineData("10.0.0.01:80/tcp")]
    public void TryParse_ShorthandIpv4_ReturnsFalse(string text)
    {
        // "10.0.1" is 10.0.0.1 to IPAddress.Parse: an octet left out would name another VIP.
        // ConfigValidator refuses these forms for the same reason.
        Assert.False(VipKey.TryParse(text, out var key), $"parsed as {(key.Address is null ? "" : key.ToString())}");
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("fd00::1:80/tcp")]
    [InlineData("")]
    public void Parse_NotAVipKey_ThrowsFormatExceptionNamingForm(string text)
    {
        var e = Assert.Throws<FormatException>(() => VipKey.Parse(text));

        Assert.Contains($"'{text}'", e.Message);
        Assert.Contains("ADDRESS:PORT/PROTO", e.Message);
        Assert.Contains("[fd00::1]:53/udp", e.Message);
    }
}

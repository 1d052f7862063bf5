using System.Text;
using Xunit;

namespace LoadBalancer.Core.Tests.Hashing;

/// <summary>Checks the test project's reference MurmurHash3_x86_32 before it is trusted to judge <c>FlowHash</c>.</summary>
public sealed class MurmurHash3Tests
{
    // Published vectors (Ian Boyd's set, SMHasher-compatible; reproduced alike by several independent
    // implementations' test suites). Input is hex so that byte order is explicit.
    [Theory]
    [InlineData("", 0u, 0x00000000u)]
    [InlineData("", 1u, 0x514E28B7u)]
    [InlineData("", 0xFFFFFFFFu, 0x81F16F39u)]
    [InlineData("FFFFFFFF", 0u, 0x76293B50u)]
    [InlineData("21436587", 0u, 0xF55B516Bu)]
    [InlineData("21436587", 0x5082EDEEu, 0x2362F9DEu)]
    [InlineData("214365", 0u, 0x7E4A8634u)]
    [InlineData("2143", 0u, 0xA0F7B07Au)]
    [InlineData("21", 0u, 0x72661CF4u)]
    [InlineData("00000000", 0u, 0x2362F9DEu)]
    [InlineData("000000", 0u, 0x85F0B427u)]
    [InlineData("0000", 0u, 0x30F4C306u)]
    [InlineData("00", 0u, 0x514E28B7u)]
    public void Hash32_PublishedByteVector_MatchesExpected(string hex, uint seed, uint expected)
    {
        Assert.Equal(expected, MurmurHash3.Hash32(Convert.FromHexString(hex), seed));
    }

    [Theory]
    [InlineData("Hello, world!", 1234u, 0xFAF6CDB3u)]
    [InlineData("Hello, world!", 4321u, 0xBF505788u)]
    [InlineData("Hello, world!", 0x9747B28Cu, 0x24884CBAu)]
    [InlineData("aaaa", 0x9747B28Cu, 0x5A97808Au)]
    [InlineData("abcd", 0x9747B28Cu, 0xF0478627u)]
    [InlineData("abc", 0x9747B28Cu, 0xC84A62DDu)]
    [InlineData("a", 0x9747B28Cu, 0x7FA09EA6u)]
    public void Hash32_PublishedTextVector_MatchesExpected(string text, uint seed, uint expected)
    {
        Assert.Equal(expected, MurmurHash3.Hash32(Encoding.ASCII.GetBytes(text), seed));
    }

    [Fact]
    public void Hash32_EmptyInputSeedZero_IsZero()
    {
        // fmix32(0 ^ 0) = 0: every step of the finalizer maps 0 to 0.
        Assert.Equal(0u, MurmurHash3.Hash32([], 0));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(1u)]
    [InlineData(0xDEADBEEFu)]
    public void Hash32_SingleZeroByte_EqualsEmptyInputWithSeedPlusLength(uint seed)
    {
        // A zero tail byte mixes k1 = 0 * c1 = 0 into h, so only "h ^= len" (len = 1) differs
        // from hashing nothing under seed ^ 1.
        Assert.Equal(MurmurHash3.Hash32([], seed ^ 1), MurmurHash3.Hash32([0], seed));
    }

    [Fact]
    public void Hash32_TrailingZeroBytes_ChangeTheHash()
    {
        // Length is mixed in, so zero padding is not invisible; FlowHash depends on the 16/40 lengths.
        var input = new byte[] { 1, 2, 3, 4 };
        Assert.NotEqual(MurmurHash3.Hash32(input, 0), MurmurHash3.Hash32([.. input, 0, 0, 0, 0], 0));
    }
}

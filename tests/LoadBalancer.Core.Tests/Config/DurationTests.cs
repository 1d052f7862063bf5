using LoadBalancer.Core.Config;
using Xunit;

namespace LoadBalancer.Core.Tests.Config;

public sealed class DurationTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30 * 1000)]
    [InlineData("15m", 15 * 60 * 1000)]
    [InlineData("2h", 2 * 60 * 60 * 1000)]
    [InlineData("0s", 0)]
    [InlineData("1.5s", 1500)]
    [InlineData("0.25h", 15 * 60 * 1000)]
    [InlineData(" 30s ", 30 * 1000)]
    [InlineData("1m", 60 * 1000)]
    [InlineData("1ms", 1)]
    public void TryParse_NumberAndUnit_ReturnsDuration(string text, double milliseconds)
    {
        Assert.True(Duration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("10")]
    [InlineData("x")]
    [InlineData("-5s")]
    [InlineData("+5s")]
    [InlineData("5 s")]
    [InlineData("5S")]
    [InlineData("5d")]
    [InlineData("s")]
    [InlineData("ms")]
    [InlineData("1e3s")]
    [InlineData("1,000s")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void TryParse_NotNumberAndUnit_ReturnsFalse(string? text)
    {
        Assert.False(Duration.TryParse(text, out var value));
        Assert.Equal(default, value);
    }

    [Theory]
    [InlineData("300000000h")]
    [InlineData("99999999999999999999s")]
    [InlineData("Infinityh")]
    [InlineData("NaNs")]
    public void TryParse_NotRepresentableAsTimeSpan_ReturnsFalse(string text)
    {
        // A Try method must not throw; TimeSpan.FromMilliseconds does for NaN and beyond TimeSpan.MaxValue.
        var thrown = Record.Exception(() => Duration.TryParse(text, out _));

        Assert.Null(thrown);
        Assert.False(Duration.TryParse(text, out _));
    }
}

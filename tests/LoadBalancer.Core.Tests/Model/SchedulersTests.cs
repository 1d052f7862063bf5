using LoadBalancer.Core.Model;
using Xunit;

namespace LoadBalancer.Core.Tests.Model;

public sealed class SchedulersTests
{
    [Fact]
    public void Enum_Values_AreThoseOfLbScheduler()
    {
        // enum lb_scheduler in bpf/include/lb_abi.h: LB_SCHED_MAGLEV = 0, then in this order.
        Assert.Equal(
            [Scheduler.Maglev, Scheduler.MaglevSrc, Scheduler.Rr, Scheduler.Wrr, Scheduler.Lc, Scheduler.Wlc],
            Enum.GetValues<Scheduler>());
        Assert.Equal([0, 1, 2, 3, 4, 5], Enum.GetValues<Scheduler>().Select(s => (int)s));
    }

    [Fact]
    public void Names_AreTheConfigNamesInEnumOrder()
    {
        Assert.Equal(["maglev", "maglev-src", "rr", "wrr", "lc", "wlc"], Schedulers.Names);
        Assert.Equal(Enum.GetValues<Scheduler>(), Schedulers.All);
        Assert.Equal(Schedulers.Names, Schedulers.All.Select(Schedulers.Name));
    }

    [Fact]
    public void TryParse_EveryName_RoundTripsInAnyCase()
    {
        foreach (var scheduler in Enum.GetValues<Scheduler>())
        {
            var name = Schedulers.Name(scheduler);

            Assert.True(Schedulers.TryParse(name, out var parsed), name);
            Assert.Equal(scheduler, parsed);
            Assert.True(Schedulers.TryParse(name.ToUpperInvariant(), out var upper), name.ToUpperInvariant());
            Assert.Equal(scheduler, upper);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("maglev_src")]
    [InlineData("round-robin")]
    [InlineData(" rr")]
    [InlineData("MaglevSrc")]
    public void TryParse_NoSchedulerName_IsFalse(string? name)
    {
        Assert.False(Schedulers.TryParse(name, out _));
    }

    [Theory]
    [InlineData(Scheduler.Maglev, true, true)]
    [InlineData(Scheduler.MaglevSrc, true, true)]
    [InlineData(Scheduler.Rr, false, false)]
    [InlineData(Scheduler.Wrr, false, false)]
    [InlineData(Scheduler.Lc, false, false)]
    [InlineData(Scheduler.Wlc, false, false)]
    public void Properties_AreThoseOfEachScheduler(Scheduler scheduler, bool keepsBackendAcrossNodes, bool usesRing)
    {
        Assert.Equal(keepsBackendAcrossNodes, Schedulers.KeepsBackendAcrossNodes(scheduler));
        Assert.Equal(usesRing, Schedulers.UsesRing(scheduler));
    }

    [Fact]
    public void Description_EveryScheduler_OneDistinctLine()
    {
        var descriptions = Enum.GetValues<Scheduler>().Select(Schedulers.Description).ToList();

        Assert.All(descriptions, d => Assert.False(string.IsNullOrWhiteSpace(d) || d.Contains('\n'), $"'{d}'"));
        Assert.Equal(descriptions.Count, descriptions.Distinct().Count());
    }

    [Fact]
    public void Name_UndefinedValue_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Schedulers.Name((Scheduler)6));
    }

    [Theory]
    [InlineData("wrrr", "wrr")]
    [InlineData("maglev_src", "maglev-src")]
    [InlineData("MAGLEVV", "maglev")]
    [InlineData("wcl", "wlc")]
    public void Unknown_CloseMisspelling_SuggestsNearestAndListsAll(string name, string suggestion)
    {
        var message = Schedulers.Unknown(name);

        Assert.StartsWith($"'{name}' is not a scheduler", message);
        Assert.EndsWith($"; did you mean '{suggestion}'?", message);
        Assert.All(Schedulers.Names, n => Assert.Contains(n, message));
    }

    [Theory]
    [InlineData("round-robin")]
    [InlineData("xx")]
    [InlineData("")]
    public void Unknown_NothingClose_ListsAllWithoutSuggestion(string name)
    {
        var message = Schedulers.Unknown(name);

        Assert.DoesNotContain("did you mean", message);
        Assert.Contains(string.Join(", ", Schedulers.Names), message);
    }
}

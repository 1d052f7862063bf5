using System.Net;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.Scheduling;
using Xunit;

namespace LoadBalancer.Core.Tests.Scheduling;

public sealed class BackendListsTests
{
    private const uint RingSize = 65537;

    [Theory]
    [InlineData(3u, 2)]
    [InlineData(251u, 250)]
    [InlineData(65537u, 65536)]
    public void MaxLength_IsRingSizeLessTheCountWord(uint ringSize, int expected)
    {
        Assert.Equal(expected, BackendLists.MaxLength(ringSize));
    }

    [Theory]
    [InlineData(Scheduler.Rr)]
    [InlineData(Scheduler.Lc)]
    [InlineData(Scheduler.Wlc)]
    public void Build_RrLcWlc_EveryEligibleBackendOnceInAddressOrder(Scheduler scheduler)
    {
        var members = new List<ScheduleMember>
        {
            Member("fd00::1", 7, 1),
            Member("10.0.0.20", 3, 5),
            Member("10.0.0.3", 9, 0),
            Member("10.0.0.100", 4, 2),
            Member("10.0.0.9", 8, 65535),
        };

        var list = BackendLists.Build(scheduler, members, RingSize);

        // Address bytes: 10.0.0.9 < 10.0.0.20 < 10.0.0.100 < fd00::1; 10.0.0.3 has weight 0.
        Assert.Equal([8u, 3u, 4u, 7u], list);
    }

    [Fact]
    public void Build_Wrr_IsTheSmoothWeightedSchedule()
    {
        var members = new List<ScheduleMember> { Member("10.0.0.2", 2, 1), Member("10.0.0.1", 1, 2), Member("10.0.0.3", 3, 0) };

        var list = BackendLists.Build(Scheduler.Wrr, members, RingSize);

        Assert.Equal(SmoothWeightedSchedule.Build(members, BackendLists.MaxLength(RingSize)), list);
        Assert.Equal([1u, 2u, 1u], list);
    }

    [Theory]
    [InlineData(Scheduler.Rr)]
    [InlineData(Scheduler.Wrr)]
    [InlineData(Scheduler.Lc)]
    [InlineData(Scheduler.Wlc)]
    public void Build_EveryBackendDrained_Empty(Scheduler scheduler)
    {
        Assert.Empty(BackendLists.Build(scheduler, [Member("10.0.0.1", 1, 0), Member("10.0.0.2", 2, 0)], RingSize));
    }

    [Theory]
    [InlineData(Scheduler.Maglev)]
    [InlineData(Scheduler.MaglevSrc)]
    public void Build_RingScheduler_Throws(Scheduler scheduler)
    {
        Assert.Throws<ArgumentException>(() => BackendLists.Build(scheduler, [Member("10.0.0.1", 1, 1)], RingSize));
    }

    [Fact]
    public void Build_MoreEligibleThanRingSizeLessOne_ThrowsUnlessDrained()
    {
        var members = new List<ScheduleMember> { Member("10.0.0.1", 1, 1), Member("10.0.0.2", 2, 1), Member("10.0.0.3", 3, 1) };

        Assert.Throws<ArgumentException>(() => BackendLists.Build(Scheduler.Rr, members, 3));
        members[2] = members[2] with { Weight = 0 };
        Assert.Equal([1u, 2u], BackendLists.Build(Scheduler.Rr, members, 3));
    }

    [Fact]
    public void Eligible_DuplicateOrZeroIds_Throw()
    {
        Assert.Throws<ArgumentException>(() => BackendLists.Eligible([Member("10.0.0.1", 1, 1), Member("10.0.0.2", 1, 1)], 10));
        Assert.Throws<ArgumentException>(() => BackendLists.Eligible([Member("10.0.0.1", 0, 1)], 10));
    }

    private static ScheduleMember Member(string address, uint id, uint weight) => new(IPAddress.Parse(address).GetAddressBytes(), id, weight);
}

using LoadBalancer.Core.Planning;
using Xunit;

namespace LoadBalancer.Core.Tests.Planning;

public sealed class IdAllocatorRestoreTests
{
    private static readonly TimeSpan s_t0 = TimeSpan.FromHours(12);
    private static readonly TimeSpan s_quarantine = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan s_tick = TimeSpan.FromTicks(1);

    [Fact]
    public void Restore_GapsFillRange_AcquireThrowsUntilQuarantineEnds()
    {
        var ids = new IdAllocator<string>(1, 4, s_quarantine);
        ids.Restore(new Dictionary<string, uint> { ["a"] = 3 }, [], s_t0);

        Assert.Throws<InvalidOperationException>(() => ids.Acquire("b", s_t0 + s_quarantine - s_tick));
        Assert.Equal(1u, ids.Acquire("b", s_t0 + s_quarantine));
    }

    [Fact]
    public void Restore_IdsReferencedByFlowsAboveHighestInUse_NotReusedBeforeQuarantine()
    {
        // Flow entries name ids 5 and 8 though only 2 is in use: a new key must get none of them
        // (nor 1, 3, 4, 6, 7, whose history is unknown) before the quarantine ends.
        var ids = new IdAllocator<string>(1, 100, s_quarantine);
        ids.Restore(new Dictionary<string, uint> { ["a"] = 2 }, [5, 8], s_t0);

        Assert.Equal(9u, ids.Acquire("b", s_t0 + s_quarantine - s_tick));
        Assert.Equal([1u, 3u, 4u, 5u, 6u, 7u, 8u, 10u], new[] { "c", "d", "e", "f", "g", "h", "i", "j" }.Select(k => ids.Acquire(k, s_t0 + s_quarantine)));
    }

    [Fact]
    public void Restore_Twice_ThrowsInvalidOperation()
    {
        var ids = new IdAllocator<string>(1, 100, s_quarantine);
        ids.Restore(new Dictionary<string, uint> { ["a"] = 2 }, [], s_t0);

        Assert.Throws<InvalidOperationException>(() => ids.Restore(new Dictionary<string, uint> { ["b"] = 5 }, [], s_t0));
    }

    [Fact]
    public void Restore_AfterIdsHandedOutAndReleased_ThrowsInvalidOperation()
    {
        // Restoring here would take id 1 for "c" while the released id 1 sits in quarantine: once it
        // comes out, it would be handed to a second key.
        var ids = new IdAllocator<string>(1, 100, s_quarantine);
        ids.Acquire("a", s_t0);
        ids.Acquire("b", s_t0);
        ids.Release("a", s_t0);
        ids.Release("b", s_t0);

        Assert.Throws<InvalidOperationException>(() => ids.Restore(new Dictionary<string, uint> { ["c"] = 1 }, [], s_t0));
    }

    [Fact]
    public void Restore_TwoKeysWithOneId_ThrowsAndTakesNothing()
    {
        var ids = new IdAllocator<string>(1, 100, s_quarantine);

        Assert.Throws<ArgumentException>(() => ids.Restore(new Dictionary<string, uint> { ["a"] = 4, ["b"] = 4 }, [], s_t0));

        Assert.Empty(ids.Assigned);
        Assert.Equal(1u, ids.Acquire("c", s_t0));
    }
}

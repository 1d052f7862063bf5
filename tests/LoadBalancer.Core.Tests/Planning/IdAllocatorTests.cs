using LoadBalancer.Core.Planning;
using Xunit;

namespace LoadBalancer.Core.Tests.Planning;

public sealed class IdAllocatorTests
{
    private static readonly TimeSpan s_t0 = TimeSpan.FromHours(12);
    private static readonly TimeSpan s_quarantine = TimeSpan.FromMinutes(10);

    [Theory]
    [InlineData(0u)]
    [InlineData(1u)]
    [InlineData(1000u)]
    public void Acquire_NewKeys_CountUpFromFirst(uint first)
    {
        var ids = new IdAllocator<string>(first, first + 10, s_quarantine);

        Assert.Equal([first, first + 1, first + 2], new[] { "a", "b", "c" }.Select(k => ids.Acquire(k, s_t0)));
    }

    [Fact]
    public void Pin_AboveTheNextFreshId_FreesTheSkippedIds_ForLaterKeys()
    {
        var ids = new IdAllocator<string>(1, 100, s_quarantine);
        ids.Pin("a", 5, s_t0);

        Assert.Equal(5u, ids.Assigned["a"]);
        Assert.Equal([1u, 2u, 3u, 4u, 6u], new[] { "b", "c", "d", "e", "f" }.Select(k => ids.Acquire(k, s_t0)));
    }

    [Fact]
    public void Pin_AnIdHeldByAnotherKey_MovesIt_AndTheKeysOldIdGoesToQuarantine()
    {
        var ids = new IdAllocator<string>(1, 100, s_quarantine);
        ids.Acquire("a", s_t0); // 1
        ids.Acquire("b", s_t0); // 2
        ids.Pin("b", 1, s_t0);

        Assert.Equal(1u, ids.Assigned["b"]);
        Assert.False(ids.Assigned.ContainsKey("a"));
        // b's old id 2 is quarantined, so a gets a fresh one
        Assert.Equal(3u, ids.Acquire("a", s_t0));
        Assert.Equal(2u, ids.Acquire("c", s_t0 + s_quarantine));
    }

    [Fact]
    public void Pin_AQuarantinedId_TakesItOutOfQuarantine()
    {
        var ids = new IdAllocator<string>(1, 100, s_quarantine);
        ids.Acquire("a", s_t0);
        ids.Release("a", s_t0);
        ids.Pin("z", 1, s_t0);

        Assert.Equal(1u, ids.Assigned["z"]);
        Assert.Equal(2u, ids.Acquire("b", s_t0 + s_quarantine));
        Assert.Throws<ArgumentOutOfRangeException>(() => ids.Pin("y", 100, s_t0));
    }

    [Fact]
    public void Acquire_SameKeyAgain_ReturnsSameId()
    {
        var ids = new IdAllocator<string>(1, 100, s_quarantine);
        var a = ids.Acquire("a", s_t0);
        ids.Acquire("b", s_t0);

        Assert.Equal(a, ids.Acquire("a", s_t0 + TimeSpan.FromDays(1)));
        Assert.Equal(2, ids.Assigned.Count);
    }

    [Fact]
    public void Acquire_ReleasedIdBeforeQuarantineEnds_IsNotReused()
    {
        var ids = new IdAllocator<string>(1, 100, s_quarantine);
        ids.Acquire("a", s_t0);
        var b = ids.Acquire("b", s_t0);
        ids.Acquire("c", s_t0);
        ids.Release("b", s_t0);

        var d = ids.Acquire("d", s_t0 + s_quarantine - TimeSpan.FromTicks(1));

        Assert.NotEqual(b, d);
        Assert.Equal(4u, d);
    }

    [Fact]
    public void Acquire_ReleasedIdAfterQuarantine_ReusesLowestFirst()
    {
        var ids = new IdAllocator<string>(1, 100, s_quarantine);
        foreach (var key in new[] { "a", "b", "c", "d" })
        {
            ids.Acquire(key, s_t0);
        }
        ids.Release("d", s_t0);
        ids.Release("b", s_t0 + TimeSpan.FromMinutes(1));
        var later = s_t0 + TimeSpan.FromMinutes(1) + s_quarantine;

        // 2 and 4 are both out of quarantine; the lowest goes first, then the other, then fresh ids.
        Assert.Equal(2u, ids.Acquire("e", later));
        Assert.Equal(4u, ids.Acquire("f", later));
        Assert.Equal(5u, ids.Acquire("g", later));
    }

    [Fact]
    public void Acquire_QuarantineEndedForSomeIds_ReusesOnlyThose()
    {
        var ids = new IdAllocator<string>(1, 100, s_quarantine);
        foreach (var key in new[] { "a", "b", "c" })
        {
            ids.Acquire(key, s_t0);
        }
        ids.Release("c", s_t0);
        ids.Release("a", s_t0 + TimeSpan.FromMinutes(5));

        // At t0 + 10m only id 3 has served its quarantine; id 1 (lower) is still held back.
        Assert.Equal(3u, ids.Acquire("d", s_t0 + s_quarantine));
        Assert.Equal(4u, ids.Acquire("e", s_t0 + s_quarantine));
        Assert.Equal(1u, ids.Acquire("f", s_t0 + TimeSpan.FromMinutes(5) + s_quarantine));
    }

    [Fact]
    public void Acquire_ZeroQuarantine_ReusesAtOnce()
    {
        var ids = new IdAllocator<string>(0, 100, TimeSpan.Zero);
        var a = ids.Acquire("a", s_t0);
        ids.Acquire("b", s_t0);
        ids.Release("a", s_t0);

        Assert.Equal(a, ids.Acquire("c", s_t0));
    }

    [Fact]
    public void Acquire_ReleasedKeyAgainDuringQuarantine_GetsANewId()
    {
        var ids = new IdAllocator<string>(1, 100, s_quarantine);
        var old = ids.Acquire("a", s_t0);
        ids.Release("a", s_t0);

        var renewed = ids.Acquire("a", s_t0 + TimeSpan.FromMinutes(1));

        Assert.NotEqual(old, renewed);
    }

    [Fact]
    public void Acquire_EveryIdInUse_ThrowsInvalidOperationWithCount()
    {
        var ids = new IdAllocator<string>(1, 4, s_quarantine);
        ids.Acquire("a", s_t0);
        ids.Acquire("b", s_t0);
        ids.Acquire("c", s_t0);

        var error = Assert.Throws<InvalidOperationException>(() => ids.Acquire("d", s_t0));

        Assert.Contains("all 3 ids are in use", error.Message);
        Assert.Equal(3, ids.Assigned.Count);
        Assert.False(ids.Assigned.ContainsKey("d"));
    }

    [Fact]
    public void Acquire_RemainingIdsInQuarantine_ThrowsNamingWhenOneFreesUp()
    {
        var ids = new IdAllocator<string>(1, 3, s_quarantine);
        ids.Acquire("a", s_t0);
        ids.Acquire("b", s_t0);
        var released = s_t0 + TimeSpan.FromMinutes(2);
        ids.Release("a", released);

        var error = Assert.Throws<InvalidOperationException>(() => ids.Acquire("c", released + TimeSpan.FromMinutes(1)));

        Assert.Contains("all 2 ids are in use or in quarantine", error.Message);
        Assert.Contains($"leaves quarantine in {s_quarantine - TimeSpan.FromMinutes(1):g}", error.Message);
        Assert.Equal(1u, ids.Acquire("c", released + s_quarantine));
    }

    [Fact]
    public void Release_UnknownKey_ChangesNothing()
    {
        var ids = new IdAllocator<string>(1, 100, s_quarantine);
        ids.Acquire("a", s_t0);

        ids.Release("nobody", s_t0);

        Assert.Equal(["a"], ids.Assigned.Keys);
        Assert.Equal(2u, ids.Acquire("b", s_t0 + s_quarantine));
    }

    [Fact]
    public void Release_SameKeyTwice_QuarantinesIdOnce()
    {
        var ids = new IdAllocator<string>(1, 100, s_quarantine);
        ids.Acquire("a", s_t0);
        ids.Acquire("b", s_t0);
        ids.Release("a", s_t0);
        ids.Release("a", s_t0);
        var later = s_t0 + s_quarantine;

        var c = ids.Acquire("c", later);
        var d = ids.Acquire("d", later);

        Assert.Equal(1u, c);
        Assert.Equal(3u, d);
    }

    [Fact]
    public void Assigned_AfterAcquireAndRelease_ListsLiveKeysOnly()
    {
        var ids = new IdAllocator<string>(5, 100, s_quarantine);
        ids.Acquire("a", s_t0);
        ids.Acquire("b", s_t0);
        ids.Acquire("c", s_t0);
        ids.Release("b", s_t0);

        Assert.Equal(new Dictionary<string, uint> { ["a"] = 5, ["c"] = 7 }, ids.Assigned);
    }

    [Theory]
    [InlineData(5u, 5u)]
    [InlineData(6u, 5u)]
    public void Constructor_EmptyRange_ThrowsArgumentOutOfRange(uint first, uint end)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new IdAllocator<string>(first, end, s_quarantine));
    }

    [Fact]
    public void Acquire_OneIdRange_HandsOutExactlyThatId()
    {
        var ids = new IdAllocator<string>(7, 8, TimeSpan.Zero);

        Assert.Equal(7u, ids.Acquire("a", s_t0));
        Assert.Throws<InvalidOperationException>(() => ids.Acquire("b", s_t0));
    }

    [Fact]
    public void Restore_RestoredKeys_KeepTheirIds()
    {
        var ids = new IdAllocator<string>(1, 100, s_quarantine);
        var inUse = new Dictionary<string, uint> { ["a"] = 3, ["b"] = 1, ["c"] = 7 };

        ids.Restore(inUse, [], s_t0);

        Assert.Equal(inUse, ids.Assigned);
        Assert.Equal(3u, ids.Acquire("a", s_t0));
        Assert.Equal(1u, ids.Acquire("b", s_t0 + TimeSpan.FromDays(1)));
        Assert.Equal(7u, ids.Acquire("c", s_t0));
        Assert.Equal(inUse, ids.Assigned);
    }

    [Fact]
    public void Restore_NewKeys_GetIdsAboveTheHighestRestored()
    {
        var ids = new IdAllocator<string>(1, 100, s_quarantine);
        ids.Restore(new Dictionary<string, uint> { ["a"] = 3, ["b"] = 1, ["c"] = 7 }, [], s_t0);

        Assert.Equal([8u, 9u], new[] { "d", "e" }.Select(k => ids.Acquire(k, s_t0)));
    }

    [Fact]
    public void Restore_FreeIdsBelowHighest_QuarantinedFromRestoreTime()
    {
        var ids = new IdAllocator<string>(1, 100, s_quarantine);
        ids.Restore(new Dictionary<string, uint> { ["a"] = 3, ["b"] = 1, ["c"] = 7 }, [], s_t0);

        Assert.Equal(8u, ids.Acquire("d", s_t0 + s_quarantine - TimeSpan.FromTicks(1)));
        var later = s_t0 + s_quarantine;
        Assert.Equal([2u, 4u, 5u, 6u, 9u], new[] { "e", "f", "g", "h", "i" }.Select(k => ids.Acquire(k, later)));
    }

    [Fact]
    public void Restore_RestoredIds_NeverHandedToAnotherKey()
    {
        var ids = new IdAllocator<string>(0, 10, s_quarantine);
        ids.Restore(new Dictionary<string, uint> { ["a"] = 2, ["b"] = 5 }, [], s_t0);
        var later = s_t0 + 2 * s_quarantine;

        var handedOut = Enumerable.Range(0, 8).Select(i => ids.Acquire($"new{i}", later)).ToList();

        Assert.Equal([0u, 1u, 3u, 4u, 6u, 7u, 8u, 9u], handedOut.Order());
        Assert.Throws<InvalidOperationException>(() => ids.Acquire("one-too-many", later));
        Assert.Equal(2u, ids.Assigned["a"]);
        Assert.Equal(5u, ids.Assigned["b"]);
    }

    [Fact]
    public void Restore_RestoredKeyReleased_IdQuarantinedLikeAnyOther()
    {
        var ids = new IdAllocator<string>(1, 100, s_quarantine);
        ids.Restore(new Dictionary<string, uint> { ["a"] = 1, ["b"] = 2 }, [], s_t0);
        var releasedAt = s_t0 + TimeSpan.FromMinutes(1);
        ids.Release("a", releasedAt);

        Assert.Equal(3u, ids.Acquire("c", releasedAt + s_quarantine - TimeSpan.FromTicks(1)));
        Assert.Equal(1u, ids.Acquire("d", releasedAt + s_quarantine));
    }

    [Fact]
    public void Restore_Nothing_StartsAtFirstId()
    {
        var ids = new IdAllocator<string>(1, 100, s_quarantine);

        ids.Restore(new Dictionary<string, uint>(), [], s_t0);

        Assert.Empty(ids.Assigned);
        Assert.Equal(1u, ids.Acquire("a", s_t0));
    }

    [Fact]
    public void Restore_IntoAllocatorThatHandedOutIds_ThrowsAndKeepsIds()
    {
        var ids = new IdAllocator<string>(1, 100, s_quarantine);
        ids.Acquire("a", s_t0);

        Assert.Throws<InvalidOperationException>(() => ids.Restore(new Dictionary<string, uint> { ["b"] = 5 }, [], s_t0));

        Assert.Equal(new Dictionary<string, uint> { ["a"] = 1 }, ids.Assigned);
        Assert.Equal(2u, ids.Acquire("c", s_t0));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(100u)]
    [InlineData(uint.MaxValue)]
    public void Restore_IdOutsideRange_ThrowsArgumentOutOfRange(uint id)
    {
        var ids = new IdAllocator<string>(1, 100, s_quarantine);

        Assert.Throws<ArgumentOutOfRangeException>(() => ids.Restore(new Dictionary<string, uint> { ["a"] = id }, [], s_t0));
    }

    [Fact]
    public void Restore_GapsFillRange_AcquireThrowsUntilQuarantineEnds()
    {
        var ids = new IdAllocator<string>(1, 4, s_quarantine);
        ids.Restore(new Dictionary<string, uint> { ["a"] = 3 }, [], s_t0);

        Assert.Throws<InvalidOperationException>(() => ids.Acquire("b", s_t0 + s_quarantine - TimeSpan.FromTicks(1)));
        Assert.Equal(1u, ids.Acquire("b", s_t0 + s_quarantine));
    }

    [Fact]
    public void Restore_IdsReferencedByFlowsAboveHighestInUse_NotReusedBeforeQuarantine()
    {
        // Flow entries name ids 5 and 8 though only 2 is in use: a new key must get none of them
        // (nor 1, 3, 4, 6, 7, whose history is unknown) before the quarantine ends.
        var ids = new IdAllocator<string>(1, 100, s_quarantine);
        ids.Restore(new Dictionary<string, uint> { ["a"] = 2 }, [5, 8], s_t0);

        Assert.Equal(9u, ids.Acquire("b", s_t0 + s_quarantine - TimeSpan.FromTicks(1)));
        Assert.Equal([1u, 3u, 4u, 5u, 6u, 7u, 8u, 10u], new[] { "c", "d", "e", "f", "g", "h", "i", "j" }.Select(k => ids.Acquire(k, s_t0 + s_quarantine)));
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

    [Fact]
    public void Clone_ChangedCopy_OriginalUntouched()
    {
        var ids = new IdAllocator<string>(1, 100, s_quarantine);
        ids.Acquire("a", s_t0);
        ids.Acquire("b", s_t0);

        var copy = ids.Clone();
        copy.Release("a", s_t0);
        copy.Acquire("c", s_t0);

        Assert.Equal(new Dictionary<string, uint> { ["a"] = 1, ["b"] = 2 }, ids.Assigned);
        Assert.Equal(new Dictionary<string, uint> { ["b"] = 2, ["c"] = 3 }, copy.Assigned);
        Assert.Equal(3u, ids.Acquire("d", s_t0));
    }
}

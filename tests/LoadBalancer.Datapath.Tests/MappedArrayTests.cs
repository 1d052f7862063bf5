using LoadBalancer.Bpf.Abi;
using Xunit;

namespace LoadBalancer.Datapath.Tests;

/// <summary>A mapped map let go while a reader still holds a reference into it (a scan racing lbd's shutdown).</summary>
public sealed class MappedArrayTests : IDisposable
{
    private readonly BalancerWorld _world = new(StandardConfig.Create(), "mapped");

    public void Dispose() => _world.Dispose();

    [Fact]
    public void AReferenceTakenBeforeDispose_ReadsZerosAfterIt_InsteadOfFaulting_AndNewAccessesThrow()
    {
        var index = _world.Balancer.FlowIndex;
        ref var first = ref index[0];
        first.Seq = 0x0202;
        first.Tag[1] = 7;

        index.Dispose();

        Assert.Equal((0UL, 0u), (Volatile.Read(ref first.Seq), first.Tag[1])); // a fault would end the test run here
        first.Stamp[1] = 9; // and a late writer writes into memory of its own
        Assert.Equal(9u, first.Stamp[1]);
        Assert.Throws<ObjectDisposedException>(() => index[0].Seq);
        index.Dispose(); // twice is harmless
    }
}

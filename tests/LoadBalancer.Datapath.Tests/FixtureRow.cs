using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Programs;
using LoadBalancer.Core.Hashing;
using LoadBalancer.Core.Model;

namespace LoadBalancer.Datapath.Tests;

/// <summary>
/// One packet fixture: a frame in, the action and frame expected out, and the counter that must
/// move. A forwarded row names its VIP and flow; the backend then comes from the control plane's
/// own ring, so the row proves the data plane and the control plane agree.
/// </summary>
/// <param name="Name">Row id, shown in the test name.</param>
/// <param name="Input">The frame.</param>
/// <param name="Action">Expected XDP action.</param>
/// <param name="Reason">Expected exit reason for a frame that is not forwarded.</param>
/// <param name="Vip">For a forwarded frame: the VIP it must match.</param>
/// <param name="Flow">For a forwarded frame: its 5-tuple.</param>
public sealed record FixtureRow(string Name, byte[] Input, XdpAction Action, LbReason? Reason = null, VipKey? Vip = null, FlowTuple? Flow = null)
{
    /// <summary>Whether the row expects an encapsulated frame out.</summary>
    public bool Forwards => Vip is not null;

    /// <inheritdoc/>
    public override string ToString() => Name;
}

using LoadBalancer.ControlPlane.Store;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.Planning;

namespace LoadBalancer.ControlPlane.Dataplane;

/// <summary>The state in force: what was asked for, its validated form, the plan written, its generation and when.</summary>
public sealed record ReconcilerState(DesiredState Desired, BalancerSpec Spec, DataplanePlan Plan, long Generation, DateTimeOffset AppliedAt);

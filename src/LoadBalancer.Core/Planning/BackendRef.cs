using System.Net;
using LoadBalancer.Core.Model;

namespace LoadBalancer.Core.Planning;

/// <summary>A backend in the context of one VIP: backend ids, rings and per-backend counters are per VIP.</summary>
public readonly record struct BackendRef(VipKey Vip, IPAddress Address);

using LoadBalancer.Core.Model;

namespace LoadBalancer.Core.Health;

/// <summary>One VIP's health as <see cref="HealthBoard.Evaluate"/> saw it.</summary>
/// <param name="Vip">The VIP.</param>
/// <param name="Check">How its backends are probed.</param>
/// <param name="Pool">The rails' verdict.</param>
/// <param name="Backends">Each backend, in configuration order.</param>
public sealed record VipReport(VipKey Vip, ProbeKind Check, PoolVerdict Pool, IReadOnlyList<BackendReport> Backends);

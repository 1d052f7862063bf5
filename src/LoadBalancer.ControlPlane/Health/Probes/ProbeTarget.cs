using System.Net;
using LoadBalancer.Core.Model;

namespace LoadBalancer.ControlPlane.Health.Probes;

/// <summary>What one probe checks: a backend of a VIP.</summary>
/// <param name="Vip">The VIP the backend serves; a command probe sees it in its environment.</param>
/// <param name="Backend">The backend's address; tcp and http(s) probes connect to it, a command probe sees it in its environment.</param>
public sealed record ProbeTarget(VipKey Vip, IPAddress Backend);

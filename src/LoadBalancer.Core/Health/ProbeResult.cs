namespace LoadBalancer.Core.Health;

/// <summary>The outcome of one probe.</summary>
/// <param name="Passed">Whether the backend passed.</param>
/// <param name="Latency">From the probe's start to its answer (or to the timeout).</param>
/// <param name="Detail">What was seen, for people: <c>connected</c>, <c>HTTP 500</c>, <c>timed out after 1s</c>, <c>exit 1: ...</c>.</param>
public sealed record ProbeResult(bool Passed, TimeSpan Latency, string Detail);

namespace LoadBalancer.Core.Api;

/// <summary>Any refused request: one line, and for a configuration every problem with its path.</summary>
/// <param name="Error">What was refused and why, in one line.</param>
/// <param name="Problems">Each problem as <c>path: message</c>; empty when there is only the one line.</param>
public sealed record ErrorResponse(string Error, IReadOnlyList<string> Problems);

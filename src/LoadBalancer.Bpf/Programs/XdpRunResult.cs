namespace LoadBalancer.Bpf.Programs;

/// <summary>One BPF_PROG_TEST_RUN of an XDP program.</summary>
/// <param name="Action">What the program returned.</param>
/// <param name="OutputLength">Length of the frame it left.</param>
/// <param name="DurationNs">The kernel's measurement of the run, in ns.</param>
public readonly record struct XdpRunResult(XdpAction Action, int OutputLength, uint DurationNs);

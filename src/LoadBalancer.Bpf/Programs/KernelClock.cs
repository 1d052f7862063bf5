namespace LoadBalancer.Bpf.Programs;

/// <summary>The clock of bpf_ktime_get_coarse_ns, which stamps flow entries and next-hop expiry: CLOCK_MONOTONIC_COARSE.</summary>
public static partial class KernelClock
{
    private const int ClockMonotonicCoarse = 6;

    /// <summary>Now, in ns of CLOCK_MONOTONIC_COARSE.</summary>
    public static ulong MonotonicCoarseNs
    {
        get
        {
            if (clock_gettime(ClockMonotonicCoarse, out var ts) != 0)
            {
                throw new BpfException("clock_gettime", "CLOCK_MONOTONIC_COARSE", Marshal.GetLastPInvokeError());
            }
            return ((ulong)ts.Seconds * 1_000_000_000UL) + (ulong)ts.Nanoseconds;
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int clock_gettime(int clock, out Timespec ts);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}

using System.Runtime.InteropServices;

namespace LoadBalancer.Datapath.Tests;

/// <summary>CLOCK_MONOTONIC_COARSE, the clock of bpf_ktime_get_coarse_ns (lb_flow.atime_ns).</summary>
public static partial class MonotonicCoarse
{
    private const int ClockMonotonicCoarse = 6;

    public static TimeSpan Now
    {
        get
        {
            if (clock_gettime(ClockMonotonicCoarse, out var ts) != 0)
            {
                throw new InvalidOperationException($"clock_gettime failed: errno {Marshal.GetLastPInvokeError()}");
            }
            return TimeSpan.FromTicks((ts.Seconds * TimeSpan.TicksPerSecond) + (ts.Nanoseconds / 100));
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

using LoadBalancer.Benchmarks.Maglev;
using LoadBalancer.Benchmarks.Packet;

// lb-bench [packet] [--packets N] [--rounds R]
//   packet: ns per packet through BPF_PROG_TEST_RUN for the balancer's paths, next to a
//           trivial XDP_TX program measured the same way in the same run (the default).
// lb-bench maglev [BenchmarkDotNet options]
//   maglev: MaglevTableBuilder (65537 slots × 1000 backends) next to the textbook Maglev
//           population, with BenchmarkDotNet (Release build only).
if (args.Length > 0 && args[0] == "maglev")
{
    return MaglevBench.Run(args[1..]);
}
var args2 = args.SkipWhile(a => a == "packet").ToArray();
if (args.Length > 0 && args[0] is not ("packet" or "--packets" or "--rounds") || args.Contains("--help"))
{
    Console.WriteLine("usage: lb-bench [packet] [--packets N (default 200000)] [--rounds R (default 5)]");
    Console.WriteLine("       lb-bench maglev [BenchmarkDotNet options, e.g. --filter '*Builder*']");
    return args.Contains("--help") ? 0 : 2;
}
try
{
    var packets = Option(args2, "--packets", 200_000);
    var rounds = Option(args2, "--rounds", 5);
    PacketBench.Run(packets, rounds, Console.Out);
    return 0;
}
catch (UnauthorizedAccessException e)
{
    Console.Error.WriteLine($"lb-bench: {e.Message}");
    return 1;
}

static int Option(string[] args, string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var value) && value > 0 ? value : fallback;
}

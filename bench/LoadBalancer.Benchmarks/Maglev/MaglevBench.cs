using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace LoadBalancer.Benchmarks.Maglev;

/// <summary>
/// Runs <see cref="MaglevBuildBenchmarks"/> with BenchmarkDotNet: in process (no generated project
/// to rebuild, so it also runs after `make build` with --no-build), 3 warmup and 10 measured
/// iterations, with allocations; ratios read "N.NNx faster", since "0.01" says little. Needs a
/// Release build; BenchmarkDotNet refuses a Debug one.
/// </summary>
public static class MaglevBench
{
    /// <param name="args">BenchmarkDotNet's own options, e.g. --filter *Weighted*.</param>
    /// <returns>0 if every benchmark ran.</returns>
    public static int Run(string[] args)
    {
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(Job.Default
                .WithWarmupCount(3)
                .WithIterationCount(10)
                .WithToolchain(InProcessEmitToolchain.Instance))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend))
            .WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
        var summary = BenchmarkRunner.Run<MaglevBuildBenchmarks>(config, args);
        return summary.HasCriticalValidationErrors || summary.Reports.Length == 0 || summary.Reports.Any(r => !r.Success) ? 1 : 0;
    }
}

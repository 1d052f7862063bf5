using System.Collections.Concurrent;
using Tmds.Linux;

namespace LoadBalancer.Testing;

/// <summary>
/// A dedicated OS thread that has joined a network namespace (setns), so code run on it resolves
/// ifindexes, attaches XDP, creates sockets and does BPF_PROG_TEST_RUN FIB lookups there. Sockets
/// created on it stay in that namespace when used from other threads. Pinned to a CPU, it also
/// always sees the same slot of per-CPU maps.
/// </summary>
public sealed partial class NetnsThread : IDisposable
{
    private readonly BlockingCollection<Action> _work = [];
    private readonly Thread _thread;

    /// <summary>Starts a thread inside the namespace bound at <paramref name="nsPath"/>, pinned to <paramref name="cpu"/> if given.</summary>
    public NetnsThread(string nsPath, int? cpu = null)
    {
        var joined = new TaskCompletionSource();
        _thread = new Thread(() =>
        {
            try
            {
                Join(nsPath);
                if (cpu is { } c)
                {
                    Pin(c);
                }
                joined.SetResult();
            }
            catch (Exception e)
            {
                joined.SetException(e);
                return;
            }
            foreach (var item in _work.GetConsumingEnumerable())
            {
                item();
            }
        })
        { IsBackground = true, Name = $"netns {nsPath}" };
        _thread.Start();
        joined.Task.GetAwaiter().GetResult();
    }

    /// <summary>Runs <paramref name="func"/> on the namespace thread and returns its result (or rethrows).</summary>
    public T Run<T>(Func<T> func)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                done.SetResult(func());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task.GetAwaiter().GetResult();
    }

    /// <summary>Runs <paramref name="action"/> on the namespace thread.</summary>
    public void Run(Action action) => Run(() =>
    {
        action();
        return true;
    });

    /// <inheritdoc/>
    public void Dispose()
    {
        _work.CompleteAdding();
        _thread.Join();
        _work.Dispose();
    }

    private static void Pin(int cpu)
    {
        var mask = 1UL << cpu;
        if (sched_setaffinity(0, sizeof(ulong), ref mask) != 0)
        {
            throw new InvalidOperationException($"sched_setaffinity(cpu {cpu}) failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        }
    }

    [System.Runtime.InteropServices.LibraryImport("libc", SetLastError = true)]
    private static partial int sched_setaffinity(int pid, nuint size, ref ulong mask);

    private static void Join(string nsPath)
    {
        using var ns = File.OpenHandle(nsPath);
        if (LibC.setns((int)ns.DangerousGetHandle(), LibC.CLONE_NEWNET) != 0)
        {
            throw new InvalidOperationException($"setns({nsPath}) failed: errno {LibC.errno}");
        }
    }
}

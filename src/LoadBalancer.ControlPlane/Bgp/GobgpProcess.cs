using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Tmds.Linux;

namespace LoadBalancer.ControlPlane.Bgp;

/// <summary>
/// gobgpd run as lbd's child, without a config file (lbd configures it over the API): its output
/// goes to the log at Debug and its last lines are kept for error messages; stopping it is SIGTERM,
/// a bounded wait, then SIGKILL, and it is always reaped. It ends with lbd: it runs under a
/// parent-death signal (setpriv --pdeathsig KILL), so a killed lbd leaves no gobgpd behind to keep
/// announcing VIPs nobody health-checks, or to stop the next lbd from starting its own. Its BGP
/// sessions then close at once, as on lbd's stop (and as systemd's stop of lbd.service does).
/// </summary>
/// <remarks>
/// The kernel sends the parent-death signal when the thread that forked the child ends, not the
/// process, so the child is forked from a thread of its own that lives as long as it does
/// (<see cref="ForkFromOwnThread"/>). Without the signal, an orphaned gobgpd would die anyway at its
/// next line of output, of SIGPIPE (its stdout is a pipe to the dead lbd), at a time nobody chose.
/// </remarks>
internal sealed class GobgpProcess
{
    private const int TailLines = 20;
    private readonly Process _process;
    private readonly ILogger _log;
    private readonly Queue<string> _tail = new();

    private GobgpProcess(string program, Process process, ILogger log)
    {
        Program = program;
        _process = process;
        _log = log;
        Id = process.Id;
    }

    /// <summary>The program as configured.</summary>
    public string Program { get; }

    /// <summary>The child's process id.</summary>
    public int Id { get; }

    /// <summary>Whether the child has exited (it is reaped once this is true).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts <paramref name="program"/> with its API at <paramref name="apiHost"/> (HOST:PORT), in the
    /// network namespace at <paramref name="netns"/> (here when null).
    /// </summary>
    public static GobgpProcess Start(string program, string apiHost, string? netns, ILogger log)
    {
        var path = Resolve(program)
            ?? throw new BgpSpeakerException($"cannot start gobgpd '{program}' (API at {apiHost}): no such program{(program.Contains('/') ? "" : " in PATH")}");
        // No --config-file: BGP stays stopped until StartBgp. Plain text logs go to stdout.
        var psi = new ProcessStartInfo("setpriv")
        {
            ArgumentList = { "--pdeathsig", "KILL", "--", path, "--api-hosts", apiHost, "--pprof-disable", "--log-plain" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = ForkFromOwnThread(psi, netns);
        }
        catch (Win32Exception e)
        {
            throw new BgpSpeakerException($"cannot start gobgpd '{program}' (API at {apiHost}) under setpriv: {e.Message}", e);
        }
        var child = new GobgpProcess(program, process, log);
        process.OutputDataReceived += (_, e) => child.Output(e.Data);
        process.ErrorDataReceived += (_, e) => child.Output(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Starts <paramref name="psi"/> from a new thread (in the network namespace at
    /// <paramref name="netns"/>, here when null) that then waits until the child has exited: the
    /// thread the child's parent-death signal follows.
    /// </summary>
    private static Process ForkFromOwnThread(ProcessStartInfo psi, string? netns)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            Process process;
            using var exited = new ManualResetEventSlim();
            try
            {
                if (netns is not null)
                {
                    NetworkNamespace.Join(netns);
                }
                process = Process.Start(psi)!;
                process.Exited += (_, _) => exited.Set();
                process.EnableRaisingEvents = true;
                if (process.HasExited)
                {
                    exited.Set();
                }
            }
            catch (Exception e)
            {
                started.SetException(e);
                return;
            }
            started.SetResult(process);
            exited.Wait();
        })
        { IsBackground = true, Name = "gobgpd's parent" };
        thread.Start();
        return started.Task.GetAwaiter().GetResult();
    }

    /// <summary>The file <paramref name="program"/> names: itself if it has a slash, else the first match in PATH; null if there is none.</summary>
    private static string? Resolve(string program)
        => program.Contains('/')
            ? File.Exists(program) ? program : null
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);

    /// <summary>Its last lines of output, oldest first, or a placeholder when it printed nothing.</summary>
    public string Tail()
    {
        lock (_tail)
        {
            return _tail.Count == 0 ? "(no output)" : string.Join('\n', _tail);
        }
    }

    /// <summary>Waits until it exits and its output is read to the end, for at most <paramref name="timeout"/>; true if it did.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGTERM, up to <paramref name="grace"/> to exit (it closes its sessions), then SIGKILL; returns once it is reaped.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            _ = LibC.kill(Id, LibC.SIGTERM);
            if (!await WaitForExitAsync(grace))
            {
                BgpLog.GobgpdKilled(_log, Id, grace.TotalSeconds);
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        BgpLog.GobgpdStopped(_log, Id, _process.ExitCode);
        _process.Dispose();
    }

    private void Output(string? line)
    {
        if (string.IsNullOrEmpty(line))
        {
            return;
        }
        BgpLog.GobgpdOutput(_log, Id, line);
        lock (_tail)
        {
            if (_tail.Count == TailLines)
            {
                _tail.Dequeue();
            }
            _tail.Enqueue(line);
        }
    }
}

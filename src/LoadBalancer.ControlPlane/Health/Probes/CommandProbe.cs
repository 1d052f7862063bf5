using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using LoadBalancer.Core.Health;

namespace LoadBalancer.ControlPlane.Health.Probes;

/// <summary>
/// Passes when a program, run with the backend and its VIP in its environment, exits 0.
/// </summary>
/// <remarks>
/// The program runs without a shell, with stdin closed; of its stdout and stderr the first
/// <see cref="CaptureChars"/> characters are kept (the rest is read and dropped, so a chatty program
/// never blocks on a full pipe). When the probe is cancelled (timeout or shutdown) the whole process
/// tree is killed and the program reaped before the cancellation goes on.
/// </remarks>
internal static class CommandProbe
{
    private const int CaptureChars = 4096;
    private const int DetailChars = 200;

    /// <summary>
    /// How long output is still read once the program has exited: a child it left running in the
    /// background may hold the pipes open for much longer, and the verdict must not wait for it.
    /// </summary>
    private static readonly TimeSpan s_outputGrace = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Runs <see cref="ProbeSpec.Command"/>; a program that cannot start fails the probe. When
    /// <paramref name="cancellationToken"/> fires, the process tree is killed and reaped, then
    /// <see cref="OperationCanceledException"/> is thrown.
    /// </summary>
    public static async Task<(bool Passed, string Detail)> RunAsync(ProbeSpec probe, ProbeTarget target, TimeProvider time, CancellationToken cancellationToken)
    {
        using var process = new Process { StartInfo = CreateStartInfo(probe, target) };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            return (false, $"cannot start {probe.Command[0]}: {new Win32Exception(e.NativeErrorCode).Message}");
        }
        process.StandardInput.Close();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var readers = Task.WhenAll(CaptureAsync(process.StandardOutput, stdout), CaptureAsync(process.StandardError, stderr));
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            await process.WaitForExitAsync(CancellationToken.None);
            throw;
        }
        var exit = $"exit {process.ExitCode.ToString(CultureInfo.InvariantCulture)}";
        if (process.ExitCode == 0)
        {
            return (true, exit);
        }
        try
        {
            await readers.WaitAsync(s_outputGrace, time);
        }
        catch (TimeoutException)
        {
            // A background child holds a pipe open: judge by what was read so far.
        }
        var output = FirstLine(stderr) ?? FirstLine(stdout);
        return (false, output is null ? exit : $"{exit}: {output}");
    }

    private static ProcessStartInfo CreateStartInfo(ProbeSpec probe, ProbeTarget target)
    {
        var start = new ProcessStartInfo(probe.Command[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in probe.Command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["LB_BACKEND_ADDRESS"] = target.Backend.ToString();
        start.Environment["LB_BACKEND_PORT"] = probe.Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["LB_VIP_ADDRESS"] = target.Vip.Address.ToString();
        start.Environment["LB_VIP_PORT"] = target.Vip.Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["LB_VIP_PROTOCOL"] = target.Vip.Protocol.ToString().ToLowerInvariant();
        return start;
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited on its own between the cancellation and the kill: nothing left to kill.
        }
    }

    /// <summary>
    /// Reads <paramref name="reader"/> to its end into <paramref name="kept"/>, up to <see cref="CaptureChars"/>
    /// characters; ends quietly when the process object is disposed under it.
    /// </summary>
    private static async Task CaptureAsync(StreamReader reader, StringBuilder kept)
    {
        var buffer = new char[1024];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer)) > 0)
            {
                lock (kept)
                {
                    kept.Append(buffer, 0, Math.Min(read, CaptureChars - kept.Length));
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The probe is over and the process disposed; the output is no longer wanted.
        }
    }

    /// <summary>The first non-blank line of <paramref name="output"/>, cut to <see cref="DetailChars"/>; null if there is none.</summary>
    private static string? FirstLine(StringBuilder output)
    {
        string text;
        lock (output)
        {
            text = output.ToString();
        }
        var line = text.Split('\n').Select(candidate => candidate.Trim()).FirstOrDefault(candidate => candidate.Length > 0);
        return line is null || line.Length <= DetailChars ? line : line[..DetailChars];
    }
}

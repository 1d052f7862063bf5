using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Tmds.Linux;

namespace LoadBalancer.ControlPlane.Bgp;

/// <summary>
/// Does one thing inside another network namespace: on a new thread that joins it (setns acts on
/// the calling thread only) and ends afterwards, so no pooled thread is left in the wrong
/// namespace. What is created there stays there: a socket keeps the namespace it was made in, a
/// child process forked from that thread starts in it.
/// </summary>
internal static class NetworkNamespace
{
    /// <summary>Runs <paramref name="func"/> in the namespace bound at <paramref name="path"/> (e.g. /run/netns/NAME), or here when null.</summary>
    public static T Run<T>(string? path, Func<T> func)
    {
        if (path is null)
        {
            return func();
        }
        T result = default!;
        ExceptionDispatchInfo? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                Join(path);
                result = func();
            }
            catch (Exception e)
            {
                error = ExceptionDispatchInfo.Capture(e);
            }
        })
        { IsBackground = true, Name = $"netns {path}" };
        thread.Start();
        thread.Join();
        error?.Throw();
        return result;
    }

    /// <summary>A TCP socket for <paramref name="family"/> made in the namespace at <paramref name="path"/> (here when null).</summary>
    public static Socket TcpSocket(string? path, AddressFamily family)
        => Run(path, () => new Socket(family, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true });

    /// <summary>Moves the calling thread into the namespace at <paramref name="path"/>, for a thread that will end there.</summary>
    public static void Join(string path)
    {
        using var ns = File.OpenHandle(path);
        if (LibC.setns((int)ns.DangerousGetHandle(), LibC.CLONE_NEWNET) != 0)
        {
            throw new IOException($"cannot enter the network namespace {path}: {Marshal.GetPInvokeErrorMessage(LibC.errno)}");
        }
    }
}

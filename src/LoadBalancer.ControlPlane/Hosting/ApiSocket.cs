using System.Net.Sockets;

namespace LoadBalancer.ControlPlane.Hosting;

/// <summary>The local API's Unix socket: one daemon per socket, readable and writable by root only.</summary>
public static class ApiSocket
{
    /// <summary>Makes way for a new socket at <paramref name="path"/>: refuses if a live daemon answers there, removes a stale file.</summary>
    /// <exception cref="InvalidOperationException">Another daemon serves the socket.</exception>
    public static void Prepare(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (!File.Exists(path))
        {
            return;
        }
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            throw new InvalidOperationException($"another lbd serves {path}; stop it first, or give this one another --instance or --socket");
        }
        catch (SocketException)
        {
            File.Delete(path);
        }
    }

    /// <summary>Leaves the socket at <paramref name="path"/> to its owner, root: mode 0600.</summary>
    public static void Restrict(string path) => File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
}

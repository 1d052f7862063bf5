using Tmds.Linux;

namespace LoadBalancer.ControlPlane.Store;

/// <summary>
/// Replaces a file's content all at once: write a sibling, flush it to disk, rename it over the
/// file, flush the directory (so the rename itself survives a power loss).
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>; readers see the old or the new file, never a mix.</summary>
    public static async Task WriteAsync(string path, string content, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            await using (var stream = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            {
                await using var writer = new StreamWriter(stream);
                await writer.WriteAsync(content.AsMemory(), cancellationToken);
                await writer.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
            SyncDirectory(directory);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static unsafe void SyncDirectory(string directory)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(directory + "\0");
        fixed (byte* name = bytes)
        {
            var fd = LibC.open(name, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC);
            if (fd < 0)
            {
                throw new IOException($"open {directory}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(LibC.errno)}");
            }
            var rc = LibC.fsync(fd);
            var errno = LibC.errno;
            LibC.close(fd);
            if (rc < 0)
            {
                throw new IOException($"fsync {directory}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}");
            }
        }
    }
}

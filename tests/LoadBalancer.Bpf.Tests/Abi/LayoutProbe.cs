using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace LoadBalancer.Bpf.Tests.Abi;

/// <summary>
/// The runtime's real layout of a struct: size from Unsafe.SizeOf and each field's offset from
/// <c>ldflda</c> minus the struct's address, so InlineArray fields and explicit layouts are
/// measured as the JIT lays them out (Marshal.OffsetOf would ask the marshaller instead).
/// </summary>
public static class LayoutProbe
{
    public static int SizeOf(Type type)
        => type.IsPointer ? IntPtr.Size : (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;

    public static int OffsetOf(FieldInfo field)
    {
        var owner = field.DeclaringType!;
        var method = new DynamicMethod($"offsetof_{owner.Name}_{field.Name}", typeof(nint), Type.EmptyTypes, owner.Module, skipVisibility: true);
        var il = method.GetILGenerator();
        var local = il.DeclareLocal(owner);
        il.Emit(OpCodes.Ldloca, local);
        il.Emit(OpCodes.Ldflda, field);
        il.Emit(OpCodes.Ldloca, local);
        il.Emit(OpCodes.Sub);
        il.Emit(OpCodes.Ret);
        return (int)((Func<nint>)method.CreateDelegate(typeof(Func<nint>)))();
    }

    /// <summary>Instance fields in declaration order.</summary>
    public static IEnumerable<FieldInfo> Fields(Type type)
        => type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).OrderBy(f => f.MetadataToken);

}

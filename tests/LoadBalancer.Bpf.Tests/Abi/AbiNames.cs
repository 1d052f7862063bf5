using System.Reflection;
using System.Text;
using LoadBalancer.Bpf.Abi;

namespace LoadBalancer.Bpf.Tests.Abi;

/// <summary>The naming rule of <see cref="BpfAbiAttribute"/>: PascalCase C# names to snake_case C names.</summary>
public static class AbiNames
{
    public static string Field(FieldInfo field) => field.GetCustomAttribute<BpfNameAttribute>()?.CName ?? Snake(field.Name).ToLowerInvariant();

    public static string EnumMember(Type enumType, FieldInfo member)
        => member.GetCustomAttribute<BpfNameAttribute>()?.CName ?? enumType.GetCustomAttribute<BpfAbiAttribute>()!.Prefix + Snake(member.Name).ToUpperInvariant();

    /// <summary>"Src4Hostmask" → "Src4_Hostmask", "PassOtherL4" → "Pass_Other_L4".</summary>
    private static string Snake(string name)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])))
            {
                sb.Append('_');
            }
            sb.Append(name[i]);
        }
        return sb.ToString();
    }
}

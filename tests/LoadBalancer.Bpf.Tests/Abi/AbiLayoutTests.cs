using System.Reflection;
using LoadBalancer.Bpf.Abi;
using LoadBalancer.Testing;
using Xunit;

namespace LoadBalancer.Bpf.Tests.Abi;

/// <summary>
/// bpf/include/lb_abi.h is the contract; LoadBalancer.Bpf/Abi mirrors it. These tests prove the
/// mirror both ways: every C# mirror's size, field offsets, field sizes and enum values hold in C
/// (static asserts compiled by clang), and every lb_* struct, field, enum and constant clang finds
/// in the header has its C# counterpart.
/// </summary>
public sealed class AbiLayoutTests
{
    private static readonly string s_header = Path.Combine(TestEnvironment.RepoRoot, "bpf", "include", "lb_abi.h");
    private static readonly Type[] s_mirrors = [.. typeof(LbConfig).Assembly.GetTypes().Where(t => t.GetCustomAttribute<BpfAbiAttribute>() is not null)];

    [Fact]
    public void Mirrors_HaveTheHeadersSizesOffsetsAndValues()
    {
        var check = new CLayoutCheck("lb_abi.h");
        AddMirrors(check, s_mirrors);

        Assert.Equal("", check.Compile());
        Assert.True(check.AssertCount > 60, $"only {check.AssertCount} asserts generated");
    }

    [Fact]
    public void EveryLbTypeInTheHeader_HasAMirror_WithTheSameFieldsAndConstants()
    {
        var ast = ClangAst.Parse(s_header);
        var byName = s_mirrors.ToDictionary(t => t.GetCustomAttribute<BpfAbiAttribute>()!.CName);

        var unmirrored = ast.Structs.Keys.Concat(ast.Enums.Keys).Where(name => !byName.ContainsKey(name)).ToList();
        Assert.True(unmirrored.Count == 0, $"lb_abi.h types without a C# mirror in LoadBalancer.Bpf/Abi: {string.Join(", ", unmirrored)}");
        Assert.True(ast.Structs.Count >= 8 && ast.Enums.Count >= 4, "the header parse found too few types");

        foreach (var (name, cFields) in ast.Structs)
        {
            var csFields = LayoutProbe.Fields(byName[name]).Select(AbiNames.Field).ToList();
            Assert.Equal(cFields, csFields);
        }
        foreach (var (name, cConstants) in ast.Enums)
        {
            var type = byName[name];
            var csConstants = type.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => AbiNames.EnumMember(type, f));
            Assert.Equal(cConstants.Order(), csConstants.Order());
        }
    }

    [Fact]
    public void Check_MirrorWithSwappedFields_FailsNamingTheField()
    {
        var check = new CLayoutCheck("lb_abi.h");
        AddMirrors(check, [typeof(SwappedVip), typeof(WrongFamily)]);

        var output = check.Compile();

        Assert.Contains("SwappedVip.Id: offsetof(struct lb_vip, id)", output);
        Assert.Contains("WrongFamily.Ipv6", output);
    }

    [Fact]
    public void Header_StandsAlone_WithOnlyLinuxTypes()
    {
        var (code, output) = Shell.TryRun("clang", "-std=c11", "-fsyntax-only", "-Wall", "-Werror", $"-I/usr/include/{TestEnvironment.ArchTriplet}", "-x", "c", s_header);
        Assert.True(code == 0, output);
        var includes = File.ReadLines(s_header).Where(l => l.TrimStart().StartsWith("#include", StringComparison.Ordinal)).ToList();
        Assert.Equal(["#include <linux/types.h>"], includes);
    }

    internal static void AddMirrors(CLayoutCheck check, IEnumerable<Type> mirrors)
    {
        foreach (var type in mirrors)
        {
            var cName = type.GetCustomAttribute<BpfAbiAttribute>()!.CName;
            if (type.IsEnum)
            {
                foreach (var member in type.GetFields(BindingFlags.Public | BindingFlags.Static))
                {
                    check.Constant(AbiNames.EnumMember(type, member), Convert.ToUInt64(member.GetValue(null), System.Globalization.CultureInfo.InvariantCulture), $"{type.Name}.{member.Name}");
                }
            }
            else
            {
                check.Struct(type, $"struct {cName}", LayoutProbe.Fields(type).Select(f => (f, AbiNames.Field(f))));
            }
        }
    }

    [BpfAbi("lb_vip"), System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct SwappedVip
    {
        public uint Pad;
        public uint Id;
    }

    [BpfAbi("lb_family", Prefix = "LB_FAMILY_")]
    private enum WrongFamily : byte
    {
        None = 0,
        Ipv4 = 4,
        Ipv6 = 10,
    }
}

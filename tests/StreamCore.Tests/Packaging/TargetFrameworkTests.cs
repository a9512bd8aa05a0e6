using System;
using System.Linq;
using System.Reflection;
using System.Runtime.Versioning;

namespace StreamCore.Tests.Packaging;

/// <summary>
/// The suite runs once per framework the library ships for: each run loads the library built for its
/// own framework, on that framework's runtime (net8.0 runs self-contained on the 8.0 runtime pack).
/// </summary>
public class TargetFrameworkTests
{
#if NET10_0_OR_GREATER
    private const int ExpectedRuntimeMajor = 10;
    private const string ExpectedFramework = ".NETCoreApp,Version=v10.0";
#else
    private const int ExpectedRuntimeMajor = 8;
    private const string ExpectedFramework = ".NETCoreApp,Version=v8.0";
#endif

    [Fact]
    public void TheLibraryLoadedIsTheBuildForThisFramework()
    {
        Assembly library = typeof(ModelStream).Assembly;
        Assert.Equal("StreamCore.Library", library.GetName().Name);
        Assert.Equal(ExpectedFramework, library.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName);
    }

    [Fact]
    public void TheRuntimeIsThisFrameworksRuntime()
    {
        Assert.Equal(ExpectedRuntimeMajor, Environment.Version.Major);
    }

    [Fact]
    public void PipelinesComeFromTheFrameworkOnNet10AndFromThePackageOnNet8()
    {
        AssemblyName? pipelines = typeof(ModelStream).Assembly.GetReferencedAssemblies().SingleOrDefault(a => a.Name == "System.IO.Pipelines");
        Assert.NotNull(pipelines);
        Assert.Equal(ExpectedRuntimeMajor, pipelines.Version!.Major);
    }
}

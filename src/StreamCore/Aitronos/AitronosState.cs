using StreamCore.Core;

namespace StreamCore.Aitronos;

/// <summary>Everything assembled from one Aitronos stream so far. Owns pooled buffers until disposed.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The result owns the state and disposes it; the state only points back to its view.")]
internal sealed class AitronosState : AssemblyState
{
    private readonly AitronosResult _result;

    public AitronosState(StreamOptions options)
        : base(options)
        => _result = new AitronosResult(this);

    public override AitronosResult Result => _result;

    public override void Dispose()
    {
    }
}

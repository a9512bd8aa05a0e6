using StreamCore.Core;

namespace StreamCore.Responses;

/// <summary>Everything assembled from one Responses stream so far. Owns pooled buffers until disposed.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The result owns the state and disposes it; the state only points back to its view.")]
internal sealed class ResponsesState : AssemblyState
{
    private readonly ResponsesResult _result;

    public ResponsesState(StreamOptions options)
        : base(options)
        => _result = new ResponsesResult(this);

    public override ResponsesResult Result => _result;

    public override void Dispose()
    {
    }
}

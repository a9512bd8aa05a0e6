using StreamCore.Core;

namespace StreamCore.Anthropic;

/// <summary>Everything assembled from one Anthropic stream so far. Owns pooled buffers until disposed.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The result owns the state and disposes it; the state only points back to its view.")]
internal sealed class AnthropicState : AssemblyState
{
    private readonly AnthropicMessageResult _result;

    public AnthropicState(StreamOptions options)
        : base(options)
        => _result = new AnthropicMessageResult(this);

    public override AnthropicMessageResult Result => _result;

    public override void Dispose()
    {
    }
}

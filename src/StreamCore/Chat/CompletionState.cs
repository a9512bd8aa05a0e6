using System;
using System.Collections.Generic;
using StreamCore.Core;
using StreamCore.Buffers;

namespace StreamCore.Chat;

/// <summary>Everything assembled from one chat-completion stream so far. Owns pooled buffers until disposed.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The result owns the state and disposes it; the state only points back to its view.")]
internal sealed class CompletionState : AssemblyState
{
    private readonly List<ChoiceState> _choices = [];
    private readonly ChatCompletionResult _result;

    public CompletionState(StreamOptions options)
        : base(options)
        => _result = new ChatCompletionResult(this);

    public override ChatCompletionResult Result => _result;

    /// <summary>Null until a chunk shows a member name that only one dialect uses.</summary>
    public ChatDialect? DetectedDialect { get; set; }

    public ChatDialect Dialect => DetectedDialect ?? ChatDialect.OpenAI;

    /// <summary>Settles the dialect on the first member name that only one dialect uses.</summary>
    public void Detect(ChatDialect dialect) => DetectedDialect ??= dialect;

    /// <summary>The top level: known members under their canonical names, the rest as they arrived.</summary>
    public MergedObject Top { get; } = new(capacity: 8); // id, object, created, model, usage, fingerprint, tier, ...

    /// <summary>The choices in ascending order of index.</summary>
    public ReadOnlySpan<ChoiceState> Choices => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_choices);

    /// <summary>The choice that last carried a <c>usage</c> object (WorkflowAI), lifted to the top level when none came there.</summary>
    public ChoiceState? UsageChoice { get; set; }

    /// <summary>
    /// The stream's usage: the last top-level usage object, else the last one a choice carried; null
    /// when none arrived (a top-level <c>usage: null</c> is no usage).
    /// </summary>
    public MergedMember? Usage => Top.Find(MemberNames.Usage) is { Kind: MemberKind.Raw } top ? top : UsageChoice?.Extras.Find(MemberNames.Usage);

    /// <summary>Whether the usage written at the top level is the one a choice carried (and so not written in that choice).</summary>
    public bool UsageLifted => UsageChoice is not null && Top.Find(MemberNames.Usage) is not { Kind: MemberKind.Raw };

    /// <summary>Whether <c>[DONE]</c> arrived.</summary>
    public bool DoneSeen { get; set; }

    /// <summary>The envelope of the last chunk, so that a chunk repeating it is read from its choices on.</summary>
    public ChunkEnvelope Envelope;

    /// <summary>The position in <see cref="Choices"/> of the choice a chunk last repeated (interleaved choices take turns).</summary>
    public int LastRepeatedChoice { get; set; }

    /// <summary>"{" and the part of a chunk read when only its envelope's prefix repeats; reused for every chunk.</summary>
    public PooledByteBuffer Tail;

    /// <summary>Where the span being parsed starts in the event's data (non-zero when only the choices are read).</summary>
    public int SpanOffset { get; set; }

    public ChoiceState GetChoice(int index)
    {
        // Choices are few and kept sorted; the peer's index never sizes anything.
        int low = 0;
        int high = _choices.Count - 1;
        if (high >= 0 && _choices[high].Index == index)
        {
            return _choices[high];
        }

        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            int found = _choices[middle].Index;
            if (found == index)
            {
                return _choices[middle];
            }

            if (found < index)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        if (_choices.Count >= Options.MaxChoices)
        {
            throw new MalformedEventException($"the stream addressed more than {Options.MaxChoices} choices (MaxChoices); choice index {index} is one too many");
        }

        var choice = new ChoiceState(index);
        _choices.Insert(low, choice);
        return choice;
    }

    public override void Dispose()
    {
        Top.Dispose();
        foreach (ChoiceState choice in _choices)
        {
            choice.Dispose();
        }

        _choices.Clear();
        Envelope.Dispose();
        Tail.Dispose();
    }

    /// <summary>Tool calls get no more fragments once the stream failed.</summary>
    protected override void CloseOpenParts()
    {
        var none = default(NoUpdates);
        foreach (ChoiceState choice in Choices)
        {
            ChoiceParser.CompleteToolCalls(this, choice, ref none);
        }
    }

    protected override StreamCanceledException CreateCanceledException(OperationCanceledException cancellation)
        => new ChatStreamCanceledException(_result, cancellation, cancellation.CancellationToken);

    protected override StreamFormatException CreateFormatException(string message, long eventNumber, long offset, Exception? inner)
        => new ChatStreamFormatException(message, eventNumber, offset, _result, inner);
}

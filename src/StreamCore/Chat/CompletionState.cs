using System;
using StreamCore.Buffers;
using System.Collections.Generic;

namespace StreamCore.Chat;

/// <summary>Everything assembled from one stream so far. Owns pooled buffers until disposed.</summary>
internal sealed class CompletionState
{
    private readonly List<ChoiceState> _choices = [];

    public CompletionState(ChatStreamOptions options) => Options = options;

    public ChatStreamOptions Options { get; }

    /// <summary>Null until a chunk shows a member name that only one dialect uses.</summary>
    public ChatDialect? DetectedDialect { get; set; }

    public ChatDialect Dialect => DetectedDialect ?? ChatDialect.OpenAI;

    /// <summary>The top level: known members under their canonical names, the rest as they arrived.</summary>
    public MergedObject Top { get; } = new(capacity: 8); // id, object, created, model, usage, fingerprint, tier, ...

    /// <summary>The choices in ascending order of index.</summary>
    public ReadOnlySpan<ChoiceState> Choices => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_choices);

    public ChatStreamStatus Status { get; set; }

    /// <summary>Whether a provider error arrived (it is the top-level <c>error</c> member).</summary>
    public bool HasProviderError { get; set; }

    /// <summary>Whether <c>[DONE]</c> or a provider error ended the stream: later events are ignored.</summary>
    public bool Ended { get; set; }

    /// <summary>Bytes appended to assembled values so far, checked against <see cref="ChatStreamOptions.MaxResultBytes"/>.</summary>
    public long ResultBytes { get; private set; }

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
            throw new MalformedChunkException($"the stream addressed more than {Options.MaxChoices} choices (MaxChoices); choice index {index} is one too many");
        }

        var choice = new ChoiceState(index);
        _choices.Insert(low, choice);
        return choice;
    }

    /// <summary>Counts bytes added to the result and enforces <see cref="ChatStreamOptions.MaxResultBytes"/>.</summary>
    public void Charge(int bytes)
    {
        ResultBytes += bytes;
        if (ResultBytes > Options.MaxResultBytes)
        {
            throw new MalformedChunkException($"the assembled result exceeded {Options.MaxResultBytes} bytes (MaxResultBytes)");
        }
    }

    public void Dispose()
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
}

using System;
using System.Diagnostics;
using StreamCore.Aitronos;
using StreamCore.Anthropic;
using StreamCore.Chat;
using StreamCore.Responses;

namespace StreamCore.Core;

/// <summary>
/// The protocol of the general entry points: the one the options name, or the one the first JSON
/// event shows (<see cref="ProtocolDetector"/>). Once chosen, each event goes to that protocol's
/// parser through one switch.
/// </summary>
internal readonly struct SelectedProtocol(ProtocolSelection selection) : IProtocolAssembler<SelectedProtocol>
{
    public bool IsEnded => selection.State?.Ended ?? false;

    /// <summary>The state; a stream that showed no JSON event yet is read as chat completions ("a stream that matches none").</summary>
    public AssemblyState State => selection.State ?? selection.Select(StreamProtocol.ChatCompletions);

    /// <summary>The protocol chosen, or <see cref="StreamProtocol.Auto"/> while undecided.</summary>
    public StreamProtocol Protocol => selection.Protocol;

    public static SelectedProtocol Create(StreamOptions options) => new(new ProtocolSelection(options));

    public static StreamProviderErrorException ProviderError(string errorJson, int statusCode, string? contentType) => new(errorJson, statusCode, partialResult: null, contentType);

    public void Process<TSink>(string eventType, ReadOnlySpan<byte> data, long eventNumber, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        AssemblyState? state = selection.State;
        if (state is null)
        {
            selection.LastEventNumber = eventNumber;
            StreamProtocol? detected = ProtocolDetector.Detect(eventType, data);
            if (detected is null)
            {
                return; // a keep-alive decides nothing, and changes nothing in any protocol
            }

            state = selection.Select(detected.Value);
        }

        switch (selection.Protocol)
        {
            case StreamProtocol.ChatCompletions:
                ChatEvents.Process((CompletionState)state, eventType, data, eventNumber, ref sink);
                break;
            case StreamProtocol.Responses:
                ResponsesEvents.Process((ResponsesState)state, eventType, data, eventNumber, ref sink);
                break;
            case StreamProtocol.AnthropicMessages:
                AnthropicEvents.Process((AnthropicState)state, eventType, data, eventNumber, ref sink);
                break;
            default:
                AitronosEvents.Process((AitronosState)state, eventType, data, eventNumber, ref sink);
                break;
        }
    }

    public void Finish<TSink>(ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        AssemblyState state = State;
        switch (selection.Protocol)
        {
            case StreamProtocol.ChatCompletions:
                ChatEvents.Finish((CompletionState)state, ref sink);
                break;
            case StreamProtocol.Responses:
                ResponsesEvents.Finish((ResponsesState)state, ref sink);
                break;
            case StreamProtocol.AnthropicMessages:
                AnthropicEvents.Finish((AnthropicState)state, ref sink);
                break;
            default:
                AitronosEvents.Finish((AitronosState)state, ref sink);
                break;
        }
    }
}

/// <summary>Which protocol a stream turned out to be, and its state once known.</summary>
internal sealed class ProtocolSelection
{
    private readonly StreamOptions _options;

    public ProtocolSelection(StreamOptions options)
    {
        _options = options;
        if (options.Protocol != StreamProtocol.Auto)
        {
            Select(options.Protocol);
        }
    }

    public StreamProtocol Protocol { get; private set; }

    public AssemblyState? State { get; private set; }

    /// <summary>The number of the last event seen before the protocol was known (keep-alives count as events).</summary>
    public long LastEventNumber { get; set; }

    public AssemblyState Select(StreamProtocol protocol)
    {
        Debug.Assert(State is null && protocol != StreamProtocol.Auto, "a stream's protocol is chosen once");
        AssemblyState state = protocol switch
        {
            StreamProtocol.ChatCompletions => new CompletionState(_options),
            StreamProtocol.Responses => new ResponsesState(_options),
            StreamProtocol.AnthropicMessages => new AnthropicState(_options),
            StreamProtocol.Aitronos => new AitronosState(_options),
            _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "not a protocol"),
        };
        state.Result.EventCount = LastEventNumber;
        Protocol = protocol;
        State = state;
        return state;
    }
}

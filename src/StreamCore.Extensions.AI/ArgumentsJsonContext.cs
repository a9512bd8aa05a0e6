using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace StreamCore.Extensions.AI;

/// <summary>Source-generated reading of tool-call arguments (trimming- and AOT-safe): a JSON object into a dictionary of <see cref="System.Text.Json.JsonElement"/> values.</summary>
[JsonSerializable(typeof(Dictionary<string, object?>))]
internal sealed partial class ArgumentsJsonContext : JsonSerializerContext;

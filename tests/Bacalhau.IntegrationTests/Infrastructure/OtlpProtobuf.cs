using System.Text;

namespace Bacalhau.IntegrationTests.Infrastructure;

/// <summary>
/// Just enough protobuf to read OTLP export requests: resources, scopes, spans, metrics (sums, gauges, histograms)
/// and string attributes. Field numbers are those of opentelemetry-proto's trace, metrics and common messages.
/// </summary>
internal static class OtlpProtobuf
{
    public static IEnumerable<CollectedSpan> ReadSpans(byte[] request)
    {
        foreach (var resourceSpans in Fields(request, 1))
        {
            var (service, instance) = Resource(resourceSpans);
            foreach (var scopeSpans in Fields(resourceSpans, 2))
            {
                foreach (var span in Fields(scopeSpans, 2))
                {
                    yield return new CollectedSpan(
                        service,
                        Convert.ToHexStringLower(Fields(span, 1).FirstOrDefault() ?? []),
                        Convert.ToHexStringLower(Fields(span, 2).FirstOrDefault() ?? []),
                        Convert.ToHexStringLower(Fields(span, 4).FirstOrDefault() ?? []),
                        Encoding.UTF8.GetString(Fields(span, 5).FirstOrDefault() ?? []),
                        Attributes(span, 9))
                    {
                        Instance = instance,
                    };
                }
            }
        }
    }

    public static IEnumerable<CollectedPoint> ReadMetrics(byte[] request)
    {
        foreach (var resourceMetrics in Fields(request, 1))
        {
            var (service, instance) = Resource(resourceMetrics);
            foreach (var scopeMetrics in Fields(resourceMetrics, 2))
            {
                foreach (var metric in Fields(scopeMetrics, 2))
                {
                    var name = Encoding.UTF8.GetString(Fields(metric, 1).FirstOrDefault() ?? []);
                    // Gauge (5) and sum (7) hold number points, histogram (9) histogram points; both list them in field 1.
                    foreach (var gaugeOrSum in Fields(metric, 5).Concat(Fields(metric, 7)))
                    {
                        foreach (var point in Fields(gaugeOrSum, 1))
                        {
                            var value = Fixed64(point, 4) is { } asDouble ? BitConverter.UInt64BitsToDouble(asDouble) : (long)(Fixed64(point, 6) ?? 0);
                            yield return new CollectedPoint(service, instance, name, Attributes(point, 7), value, (long)(Fixed64(point, 3) ?? 0));
                        }
                    }

                    foreach (var histogram in Fields(metric, 9))
                    {
                        foreach (var point in Fields(histogram, 1))
                        {
                            yield return new CollectedPoint(service, instance, name, Attributes(point, 9), (long)(Fixed64(point, 4) ?? 0), (long)(Fixed64(point, 3) ?? 0))
                            {
                                Sum = Fixed64(point, 5) is { } sum ? BitConverter.UInt64BitsToDouble(sum) : 0,
                            };
                        }
                    }
                }
            }
        }
    }

    /// <summary>The service name and instance of a resource's telemetry (replicas share the name).</summary>
    private static (string Service, string Instance) Resource(byte[] resourceTelemetry)
    {
        var attributes = Fields(resourceTelemetry, 1).Select(resource => Attributes(resource, 1)).FirstOrDefault() ?? [];
        return (attributes.GetValueOrDefault("service.name", ""), attributes.GetValueOrDefault("service.instance.id", ""));
    }

    private static Dictionary<string, string> Attributes(byte[] message, int field)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var keyValue in Fields(message, field))
        {
            var key = Encoding.UTF8.GetString(Fields(keyValue, 1).FirstOrDefault() ?? []);
            var value = Fields(keyValue, 2).FirstOrDefault() is { } any ? Fields(any, 1).FirstOrDefault() : null;
            if (value is not null)
            {
                attributes[key] = Encoding.UTF8.GetString(value);
            }
        }

        return attributes;
    }

    /// <summary>The length-delimited values of <paramref name="wanted"/> in a message.</summary>
    private static List<byte[]> Fields(byte[] message, int wanted)
    {
        var values = new List<byte[]>();
        Walk(message, wanted, values.Add, null);
        return values;
    }

    /// <summary>The last 64-bit fixed value (fixed64, sfixed64 or double) of <paramref name="wanted"/>, if present.</summary>
    private static ulong? Fixed64(byte[] message, int wanted)
    {
        ulong? value = null;
        Walk(message, wanted, null, fixedValue => value = fixedValue);
        return value;
    }

    private static void Walk(byte[] message, int wanted, Action<byte[]>? delimited, Action<ulong>? fixed64)
    {
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message, ref position);
            var field = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0:
                    ReadVarint(message, ref position);
                    break;
                case 1:
                    if (field == wanted)
                    {
                        fixed64?.Invoke(BitConverter.ToUInt64(message, position));
                    }

                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref position);
                    if (field == wanted)
                    {
                        delimited?.Invoke(message[position..(position + length)]);
                    }

                    position += length;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"unsupported protobuf wire type {tag & 7}");
            }
        }
    }

    private static ulong ReadVarint(byte[] buffer, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = buffer[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }
}

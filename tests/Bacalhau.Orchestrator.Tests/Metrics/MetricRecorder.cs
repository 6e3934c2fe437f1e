using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Bacalhau.Tests.Metrics;

/// <summary>
/// Listens to the meters of its own <see cref="IMeterFactory"/>, as an exporter would, so tests running side by side
/// see only their own measurements.
/// </summary>
internal sealed class MetricRecorder : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly List<Measured> _measured = [];
    private readonly List<(string Instrument, int Count, TaskCompletionSource Done)> _waiters = [];

    public MetricRecorder()
    {
        Factory = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, Factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    public IMeterFactory Factory { get; }

    /// <summary>Every measurement of <paramref name="instrument"/> so far, in order.</summary>
    public IReadOnlyList<Measured> Of(string instrument)
    {
        lock (_measured)
        {
            return [.. _measured.Where(m => m.Instrument == instrument)];
        }
    }

    /// <summary>What the observable <paramref name="instrument"/> reports now, as at an export.</summary>
    public IReadOnlyList<Measured> Observe(string instrument)
    {
        int before;
        lock (_measured)
        {
            before = _measured.Count;
        }

        _listener.RecordObservableInstruments();
        lock (_measured)
        {
            return [.. _measured.Skip(before).Where(m => m.Instrument == instrument)];
        }
    }

    /// <summary>Completes once <paramref name="instrument"/> has been measured <paramref name="count"/> times.</summary>
    public async Task<IReadOnlyList<Measured>> WaitForAsync(string instrument, int count)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_measured)
        {
            if (_measured.Count(m => m.Instrument == instrument) >= count)
            {
                done.SetResult();
            }
            else
            {
                _waiters.Add((instrument, count, done));
            }
        }

        await done.Task.WaitAsync(Timeout);
        return Of(instrument);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var measured = new Measured(instrument.Name, instrument.Unit, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString()));
        lock (_measured)
        {
            _measured.Add(measured);
            var count = _measured.Count(m => m.Instrument == instrument.Name);
            _waiters.RemoveAll(w =>
            {
                if (w.Instrument != instrument.Name || count < w.Count)
                {
                    return false;
                }

                w.Done.SetResult();
                return true;
            });
        }
    }
}

internal sealed record Measured(string Instrument, string? Unit, double Value, IReadOnlyDictionary<string, string?> Tags);
